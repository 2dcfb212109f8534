import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupSimulator
import Synchronization

/// An A/B experiment on the demo world: popularity (control) against the two-stage ranker
/// with the shipped model, every simulated session served through `Engine.rank` under the
/// variant its user is assigned, the users' reactions sent back as events; then the
/// analysis, beside the lift the simulator's click model builds in.
struct DemoAB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-ab",
        abstract: "Run an A/B experiment (popularity vs two-stage) on demo traffic and analyse it.",
        discussion: """
            The simulator's lift is what its click model expects: for each session, the chance \
            that at least one shown widget is engaged, 1 − Π (1 − examination(p) · appeal), \
            averaged per variant. The analysis only sees the log; the two should agree within \
            the analysis' interval. The database goes to --out.
            """
    )

    @OptionGroup var world: DemoWorldOptions

    @Option(help: "Directory for the database; created when missing.")
    var out: String

    @Option(help: "Where the two-stage variant's model is read from.")
    var models = "models"

    @Option(help: "The model the two-stage variant serves.")
    var model = "default"

    @Option(help: "Also write the experiment's HTML page here.")
    var html: String?

    func run() async throws {
        let simulator = try world.simulator()
        let start = simulator.configuration.start
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("experiment.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let clock = Mutex(start)
        var configuration = Engine.Configuration()
        configuration.maxClockSkew = 86_400
        configuration.modelsDirectory = models
        configuration.impressionLog.flushInterval = .seconds(3_600)
        let engine = Engine(
            configuration: configuration, store: try SQLiteStore(configuration: .init(path: path, synchronous: .normal)),
            now: { clock.withLock { $0 } })
        try await world.load(simulator, into: engine, clock: clock)
        engine.loadModels()
        let id = "two-stage-vs-popularity"
        do {
            _ = try await engine.putExperiment(
                id: id,
                ExperimentDraft(
                    salt: "demo-\(world.seed)",
                    variants: [
                        .init(id: "popularity", weight: 1, overrides: .init(ranker: "popularity")),
                        .init(id: "two-stage", weight: 1, overrides: .init(ranker: "two_stage", modelVersion: model)),
                    ],
                    control: "popularity"))
        } catch let error as EngineError {
            throw ValidationError("the experiment cannot be defined: \(error) (is \(models)/\(model).json there?)")
        }
        Console.line("demo-ab: experiment \(id): popularity (control) against two-stage with model \(model), 50/50 by user")

        let itemsById = Dictionary(uniqueKeysWithValues: simulator.items.map { ($0.id, $0) })
        var controls: [String: UserControls] = [:]
        var expected: [String: (sessions: Int, engaged: Double, widgets: Double, trueNDCG: Double)] = [:]
        let decay = simulator.configuration.examinationDecay
        let started = Date()
        for day in 0..<world.days {
            for session in simulator.sessions(onDay: day) {
                clock.withLock { $0 = session.start }
                let ranking = try await engine.rank(
                    RankRequest(
                        userId: session.user.id, surface: session.dashboard.id, candidates: session.candidates.map(\.id),
                        k: session.capacity, context: ["device": session.device]))
                let shown = ranking.items.compactMap { itemsById[$0.itemId] }
                guard !shown.isEmpty, let variant = ranking.variant else { continue }
                var userControls = controls[session.user.id] ?? UserControls()
                let events = simulator.simulate(session, shown: shown, requestId: ranking.requestId, controls: &userControls)
                controls[session.user.id] = userControls
                // What the click model expects of this order: some widget engaged.
                var none = 1.0, widgets = 0.0
                for (position, item) in shown.prefix(session.capacity).enumerated() {
                    let chance = pow(1 / Double(position + 1), decay) * simulator.attractiveness(of: item, for: session.user)
                    none *= 1 - chance
                    widgets += chance
                }
                expected[variant, default: (0, 0, 0, 0)].sessions += 1
                expected[variant, default: (0, 0, 0, 0)].engaged += 1 - none
                expected[variant, default: (0, 0, 0, 0)].widgets += widgets
                expected[variant, default: (0, 0, 0, 0)].trueNDCG += DemoLoop.trueNDCG(
                    shown: shown, candidates: session.candidates, user: session.user, in: simulator)
                if let last = events.last?.timestamp { clock.withLock { $0 = max($0, last) } }
                for chunk in events.chunked(by: engine.configuration.maxBatchSize) {
                    _ = try await engine.ingest(chunk.map(EventDraft.init))
                }
            }
            if (day + 1) % 7 == 0 || day + 1 == world.days {
                let sessions = expected.values.reduce(0) { $0 + $1.sessions }
                Console.line(
                    "demo-ab: day \(day + 1), \(sessions) sessions served (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
            }
        }
        await engine.impressions.close()
        let analysis = try await engine.analyzeExperiment(id: id)
        Console.line("")
        Console.line(ExperimentReport(analysis: analysis).text)
        if let control = expected["popularity"], let treatment = expected["two-stage"] {
            // What the click model builds into each order, before the clock of a session
            // cuts it short (long dwells on liked widgets leave less time for the rest).
            func mean(_ total: Double, _ of: (sessions: Int, engaged: Double, widgets: Double, trueNDCG: Double)) -> Double {
                total / Double(of.sessions)
            }
            let comparison = analysis.variants.first { $0.variant == "two-stage" }?.versusControl
            Console.line("\nthe simulator's own view of the orders served (popularity → two-stage):")
            Console.line(
                "  true NDCG@5 (its engagement probabilities as gains): \(String(format: "%.4f", mean(control.trueNDCG, control))) → "
                    + "\(String(format: "%.4f", mean(treatment.trueNDCG, treatment))), "
                    + "\(ExperimentReport.percent(mean(treatment.trueNDCG, treatment) / mean(control.trueNDCG, control) - 1))")
            Console.line(
                "  expected engaged widgets per session: \(String(format: "%.4f", mean(control.widgets, control))) → "
                    + "\(String(format: "%.4f", mean(treatment.widgets, treatment))), "
                    + "\(ExperimentReport.percent(mean(treatment.widgets, treatment) / mean(control.widgets, control) - 1)); "
                    + "the analysis measured \(ExperimentReport.percent(comparison?.widgets?.relativeLift)) "
                    + "[\(ExperimentReport.percent(comparison?.widgets?.relativeLower)), \(ExperimentReport.percent(comparison?.widgets?.relativeUpper))]")
            Console.line(
                "  expected sessions with an engagement: \(String(format: "%.4f", mean(control.engaged, control))) → "
                    + "\(String(format: "%.4f", mean(treatment.engaged, treatment))), "
                    + "\(ExperimentReport.percent(mean(treatment.engaged, treatment) / mean(control.engaged, control) - 1)); "
                    + "the analysis measured \(ExperimentReport.percent(comparison?.requests.relativeLift)) "
                    + "[\(ExperimentReport.percent(comparison?.requests.relativeLower)), \(ExperimentReport.percent(comparison?.requests.relativeUpper))]")
        }
        if let html {
            try ExperimentReport(analysis: analysis).html.write(toFile: html, atomically: true, encoding: .utf8)
            Console.line("demo-ab: HTML page in \(html)")
        }
        Console.line("demo-ab: log in \(path) (lineup ab \(id) --database \(path))")
    }
}
