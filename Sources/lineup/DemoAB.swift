import ArgumentParser
import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupSQLite
import LineupStore
import LineupSimulator
import LineupStatistics

/// An A/B experiment on the demo world: popularity (control) against the two-stage ranker
/// with the shipped model, every simulated session served through `Engine.rank` under the
/// variant its user is assigned, the users' reactions sent back as events; then the
/// analysis, beside the lift the simulator's click model builds in.
struct DemoAB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-ab",
        abstract: "Run an A/B experiment (popularity vs two-stage) on demo traffic and analyse it.",
        discussion: """
            The simulator's lift is what its click model expects of the orders served: each \
            session is replayed --replays times with other draws of the user's reactions (same \
            order, pins, hides and end of day), counted as the analysis counts the log, and \
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

    @Option(help: "Replays of each session behind the simulator's expected lift.")
    var replays = 8

    func validate() throws {
        guard replays >= 2 else { throw ValidationError("--replays must be at least 2, got \(replays)") }
    }

    func run() async throws {
        let simulator = try world.simulator()
        let start = simulator.configuration.start
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("experiment.sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let clock = DemoClock(start)
        var configuration = Engine.Configuration()
        configuration.maxClockSkew = 86_400
        let runtime = Runtime(
            store: try SQLiteStore(configuration: .init(path: path, synchronous: .normal)), engine: configuration,
            analysis: Analysis.Configuration(schema: OnlineFeatures.schema), modelsDirectory: models, now: { clock.now })
        let engine = runtime.engine
        try await world.load(simulator, into: engine, clock: clock)
        runtime.models.load(activating: nil)
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
        } catch let error as ServiceError {
            throw ValidationError("the experiment cannot be defined: \(error) (is \(models)/\(model).json there?)")
        }
        Console.line("demo-ab: experiment \(id): popularity (control) against two-stage with model \(model), 50/50 by user")

        var tallies: [String: Tally] = [:]
        let labels = runtime.analysis.configuration.labels
        let started = Date()
        var serving = DemoServing(simulator: simulator, engine: engine, clock: clock)
        try await serving.serve(
            days: 0..<world.days,
            progress: { day in
                let sessions = tallies.values.reduce(0) { $0 + $1.sessions }
                Console.line(
                    "demo-ab: day \(day + 1), \(sessions) sessions served (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
            }
        ) { served in
            guard let variant = served.ranking.variant else { return }
            let session = served.session
            // What the click model expects of this order, counted as the analysis counts.
            var engaged = 0.0, widgets = 0.0
            for replay in 0..<replays {
                let outcome = Self.engagement(
                    of: simulator.replay(session, shown: served.shown, controls: served.controlsBefore, replay: UInt64(replay)),
                    servedAt: session.start, labels: labels)
                engaged += outcome.engaged ? 1 : 0
                widgets += Double(outcome.widgets)
            }
            tallies[variant, default: Tally(replays: replays)].add(
                expectedEngaged: engaged / Double(replays), expectedWidgets: widgets / Double(replays),
                drawn: Self.engagement(of: served.events, servedAt: session.start, labels: labels),
                trueNDCG: DemoLoop.trueNDCG(shown: served.shown, candidates: session.candidates, user: session.user, in: simulator))
        }
        let analysis = try await runtime.analysis.analyzeExperiment(id: id)
        Console.line("")
        Console.line(ExperimentReport(analysis: analysis).text)
        if let control = tallies["popularity"], let treatment = tallies["two-stage"] {
            let comparison = analysis.variants.first { $0.variant == "two-stage" }?.versusControl
            func change(_ value: (Tally) -> Double) -> String {
                "\(String(format: "%.4f", value(control))) → \(String(format: "%.4f", value(treatment))), "
                    + ExperimentReport.percent(value(treatment) / value(control) - 1)
            }
            func measured(_ lift: RatioComparison?) -> String {
                "the analysis measured \(ExperimentReport.percent(lift?.relativeLift)) "
                    + "[\(ExperimentReport.percent(lift?.relativeLower)), \(ExperimentReport.percent(lift?.relativeUpper))]"
            }
            Console.line("\nthe simulator's own view of the orders served (popularity → two-stage):")
            Console.line("  true NDCG@5 (its engagement probabilities as gains): \(change { $0.trueNDCG / Double($0.sessions) })")
            Console.line(
                "  expected engaged widgets per request: \(change { $0.expectedWidgets / Double($0.sessions) }); "
                    + measured(comparison?.widgets))
            Console.line(
                "  expected requests with an engagement: \(change { $0.expectedEngaged / Double($0.sessions) }); "
                    + measured(comparison?.requestsByUser))
            // The users' actual draws: the log should hold exactly these, and they stray from the
            // expectation by chance alone (about one standard deviation, rarely three).
            for (name, tally) in [("popularity", control), ("two-stage", treatment)] {
                let logged = analysis.variants.first { $0.variant == name }?.engagedRequests
                Console.line(
                    "  \(name): the users' draws engaged \(tally.drawnEngaged) requests "
                        + "(\(String(format: "%+.1f", tally.drawnDeviation)) sd from the \(String(format: "%.0f", tally.expectedEngaged)) expected); "
                        + (logged == tally.drawnEngaged ? "the log holds the same count" : "THE LOG HOLDS \(logged.map(String.init) ?? "none")"))
            }
        }
        if let html {
            try ExperimentReport(analysis: analysis).html.write(toFile: html, atomically: true, encoding: .utf8)
            Console.line("demo-ab: HTML page in \(html)")
        }
        Console.line("demo-ab: log in \(path) (lineup ab \(id) --database \(path))")
    }

    /// One variant's sessions as the simulator sees them.
    struct Tally {
        var sessions = 0
        /// Sums over sessions of the replays' means.
        var expectedEngaged = 0.0
        var expectedWidgets = 0.0
        /// Sum over sessions of p(1 − p), p the replays' engaged share.
        var spread = 0.0
        /// Replays per session.
        let replays: Int
        var drawnEngaged = 0
        var trueNDCG = 0.0

        mutating func add(expectedEngaged p: Double, expectedWidgets: Double, drawn: (engaged: Bool, widgets: Int), trueNDCG: Double) {
            sessions += 1
            expectedEngaged += p
            self.expectedWidgets += expectedWidgets
            spread += p * (1 - p)
            drawnEngaged += drawn.engaged ? 1 : 0
            self.trueNDCG += trueNDCG
        }

        /// How far the drawn count lies from the expected one, in standard deviations: the
        /// draws' own variance, p(1 − p) per session estimated without bias from R replays as
        /// R/(R − 1) times the replays' p(1 − p), plus that of the replays' mean, 1/(R − 1) times it.
        var drawnDeviation: Double {
            let variance = spread * Double(replays + 1) / Double(replays - 1)
            return variance > 0 ? (Double(drawnEngaged) - expectedEngaged) / variance.squareRoot() : 0
        }
    }

    /// What the analysis would count of one request's events: whether any engages (the label
    /// policy's engagement types, within its window), and how many widgets do.
    static func engagement(of events: [Event], servedAt served: Date, labels: LabelPolicy) -> (engaged: Bool, widgets: Int) {
        let engaged = Set(events.lazy.filter { labels.engages($0, servedAt: served) }.map(\.itemId))
        return (!engaged.isEmpty, engaged.count)
    }
}
