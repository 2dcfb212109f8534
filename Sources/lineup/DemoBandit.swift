import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupSimulator
import Synchronization

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
        let clock = Mutex(start)
        var configuration = Engine.Configuration()
        configuration.maxClockSkew = 86_400
        configuration.impressionLog.flushInterval = .seconds(3_600)
        configuration.layouts.seed = world.seed
        configuration.layouts.minimumSegmentEvidence = minSegmentEvidence
        let engine = Engine(
            configuration: configuration, store: try SQLiteStore(configuration: .init(path: path, synchronous: .normal)),
            now: { clock.withLock { $0 } })
        try await world.load(simulator, into: engine, clock: clock)
        _ = try await engine.putLayouts(
            surface: surface, LayoutTaste.layouts.map { LayoutDraft(id: $0.id, name: $0.name, params: $0.params) })
        Console.line(
            "demo-bandit: \(simulator.users.count) users, layouts \(LayoutTaste.layouts.map(\.id).joined(separator: ", ")) "
                + "on surface \(surface); segments by device and role")

        let itemsById = Dictionary(uniqueKeysWithValues: simulator.items.map { ($0.id, $0) })
        var controls: [String: UserControls] = [:]
        var week = Tally(), total = Tally()
        var lastSettled = start
        Console.line("days     sessions  best layout shown  sessions engaged")
        for day in 0..<world.days {
            for session in simulator.sessions(onDay: day) {
                clock.withLock { $0 = session.start }
                // Windows close and the policy redraws every simulated ten minutes, as `serve`
                // settles every few seconds.
                if session.start.timeIntervalSince(lastSettled) >= 600 {
                    try await engine.settleLayouts()
                    lastSettled = session.start
                }
                let ranking = try await engine.rank(
                    RankRequest(
                        userId: session.user.id, surface: surface, candidates: session.candidates.map(\.id),
                        k: session.capacity, context: ["device": session.device]))
                let shown = ranking.items.compactMap { itemsById[$0.itemId] }
                guard !shown.isEmpty, let layout = ranking.layout else { continue }
                var userControls = controls[session.user.id] ?? UserControls()
                let events = simulator.simulate(
                    session, shown: shown, requestId: ranking.requestId, layout: layout.arm, controls: &userControls)
                controls[session.user.id] = userControls
                let engaged = events.contains { [.open, .click, .drilldown, .export, .pin].contains($0.type) }
                let best = layout.arm == LayoutTaste.best(device: session.device, role: session.user.role)
                week.add(best: best, engaged: engaged)
                total.add(best: best, engaged: engaged)
                if let last = events.last?.timestamp { clock.withLock { $0 = max($0, last) } }
                // The decision is logged before its events arrive, as in production.
                await engine.impressions.flush()
                for chunk in events.chunked(by: engine.configuration.maxBatchSize) {
                    _ = try await engine.ingest(chunk.map(EventDraft.init))
                }
            }
            if (day + 1) % 7 == 0 || day + 1 == world.days {
                Console.line(
                    "\(String(format: "%2d", day - (day % 7) + 1))–\(String(format: "%-2d", day + 1))    "
                        + "\(String(week.sessions).padding(toLength: 10, withPad: " ", startingAt: 0))"
                        + "\(String(format: "%-19.3f", week.bestShare))\(String(format: "%.3f", week.engagedShare))")
                week = Tally()
            }
        }
        clock.withLock { $0 = $0.addingTimeInterval(configuration.layouts.window + configuration.maxClockSkew + 1) }
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
        let evaluations = try await engine.evaluateLayouts(.init(surface: surface))
        for evaluation in evaluations { Console.line("\n" + LayoutReport(evaluation: evaluation).text) }
        await engine.impressions.close()
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
