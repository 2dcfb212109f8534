import ArgumentParser
import Foundation
import LineupCore
import LineupAnalysis
import LineupEngine
import LineupSQLite
import LineupSimulator

/// The layout bandit learning on the demo world: every simulated session asks
/// `Engine.rank` for its dashboard, is shown in the layout the bandit chose, and the
/// simulated user's reactions (which depend on how well that layout suits their device and
/// role, `LayoutTaste`) come back as events that reward it. Prints, week by week, how often
/// each segment got its best layout, then the off-policy evaluation of the log.
struct DemoBandit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-bandit",
        abstract: "Serve demo days with the layout bandit on; show it converge per segment, then evaluate it off-policy.",
        discussion: """
            All dashboards share the layout surface --surface, with the demo's four layouts \
            (grid-3, grid-2, list, compact). Segments are device and role (the default \
            layout_segment_keys). A session is rewarded when the user opens, clicks, drills \
            down, exports or pins a widget within 30 minutes. The run is deterministic for a \
            --seed; the database goes to --out.
            """
    )

    @OptionGroup var world: DemoWorldOptions

    @Option(help: "Directory for the database; created when missing.")
    var out: String

    @Option(help: "The layout surface every dashboard's rank request names.")
    var surface = "dashboards"

    @Option(help: "Settled decisions a segment needs before it decides with its own posteriors.")
    var minSegmentEvidence = 200.0

    func run() async throws {
        let simulator = try world.simulator()
        let start = simulator.configuration.start
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("bandit.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let clock = DemoClock(start)
        var configuration = Engine.Configuration()
        configuration.maxClockSkew = 86_400
        configuration.layouts.seed = world.seed
        configuration.layouts.minimumSegmentEvidence = minSegmentEvidence
        let runtime = Runtime(
            store: try SQLiteStore(configuration: .init(path: path, synchronous: .normal)), engine: configuration,
            analysis: Analysis.Configuration(layouts: configuration.layouts, schema: OnlineFeatures.schema), modelsDirectory: nil,
            now: { clock.now })
        let engine = runtime.engine
        try await world.load(simulator, into: engine, clock: clock)
        _ = try await engine.putLayouts(
            surface: surface, LayoutTaste.layouts.map { LayoutDraft(id: $0.id, name: $0.name, params: $0.params) })
        Console.line(
            "demo-bandit: \(simulator.users.count) users, layouts \(LayoutTaste.layouts.map(\.id).joined(separator: ", ")) "
                + "on surface \(surface); segments by device and role")

        let rewardTypes = configuration.layouts.rewardTypes
        var week = Tally(), total = Tally()
        var lastSettled = start
        Console.line("days     sessions  best layout shown  sessions engaged")
        var serving = DemoServing(simulator: simulator, engine: engine, clock: clock)
        try await serving.serve(
            days: 0..<world.days, surface: surface,
            beforeRank: { session in
                // Windows close and the policy redraws every simulated ten minutes, as `serve`
                // settles every few seconds.
                if session.start.timeIntervalSince(lastSettled) >= 600 {
                    try await engine.settleLayouts()
                    lastSettled = session.start
                }
            },
            progress: { day in
                Console.line(
                    "\(String(format: "%2d", day - (day % 7) + 1))–\(String(format: "%-2d", day + 1))    "
                        + "\(String(week.sessions).padding(toLength: 10, withPad: " ", startingAt: 0))"
                        + "\(String(format: "%-19.3f", week.bestShare))\(String(format: "%.3f", week.engagedShare))")
                week = Tally()
            }
        ) { served in
            guard let layout = served.ranking.layout else { return }
            // A session is rewarded when one of the layout reward events happens.
            let engaged = served.events.contains { rewardTypes.contains($0.type) }
            let best = layout.arm == LayoutTaste.best(device: served.session.device, role: served.session.user.role)
            week.add(best: best, engaged: engaged)
            total.add(best: best, engaged: engaged)
        }
        clock.set(clock.now.addingTimeInterval(configuration.layouts.window + configuration.maxClockSkew + 1))
        await engine.impressions.flush()
        try await engine.settleLayouts()
        Console.line(
            "demo-bandit: \(total.sessions) sessions, best layout shown in \(String(format: "%.1f%%", 100 * total.bestShare)), "
                + "engaged \(String(format: "%.1f%%", 100 * total.engagedShare))")

        let state = try engine.banditState(surface: surface)
        Console.line("\nsegment                                       own evidence  best layout (simulator)  bandit's favourite  P(best)")
        for segment in state.segments.dropFirst().sorted(by: { $0.segment < $1.segment }) {
            let values = Dictionary(
                uniqueKeysWithValues: segment.segment.split(separator: ",").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                })
            guard let favourite = segment.arms.max(by: { $0.probabilityBest < $1.probabilityBest }) else { continue }
            let truth = LayoutTaste.best(device: values["device"] ?? "", role: values["role"])
            Console.line(
                segment.segment.padding(toLength: 46, withPad: " ", startingAt: 0)
                    + (segment.ownEvidence ? "yes" : "no ").padding(toLength: 14, withPad: " ", startingAt: 0)
                    + truth.padding(toLength: 25, withPad: " ", startingAt: 0)
                    + favourite.arm.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(format: "%.3f", favourite.probabilityBest))
        }
        let evaluations = try await runtime.analysis.evaluateLayouts(.init(surface: surface))
        for evaluation in evaluations { Console.line("\n" + LayoutReport(evaluation: evaluation).text) }
        Console.line("\ndemo-bandit: log in \(path) (lineup eval --layouts --database \(path))")
    }

    private struct Tally {
        var sessions = 0
        var best = 0
        var engaged = 0

        mutating func add(best isBest: Bool, engaged isEngaged: Bool) {
            sessions += 1
            if isBest { best += 1 }
            if isEngaged { engaged += 1 }
        }

        var bestShare: Double { sessions > 0 ? Double(best) / Double(sessions) : 0 }
        var engagedShare: Double { sessions > 0 ? Double(engaged) / Double(sessions) : 0 }
    }
}
