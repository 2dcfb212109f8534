import ArgumentParser
import Foundation
import LineupCore
import LineupAnalysis
import LineupEngine
import LineupModels
import LineupSQLite
import LineupSimulator
import LineupStore

/// The learning loop on the demo world, end to end: serve simulated days with the fallback
/// order, log them, train a model on the impression log by running `lineup train` (corrected
/// for position bias, its default from the log) and a second one without the correction,
/// then serve the held-out days from the same starting point by popularity, retrieval, each
/// trained two-stage ranker and the simulator's oracle, and compare what the simulated users
/// did. The report goes into the model's card.
struct DemoLoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-loop",
        abstract: "Serve demo days, train on their impression log, serve the days after with each ranker; report.",
        discussion: """
            Days 1…--train-days are served with the fallback order (no model) and logged; the \
            last --validation-days of them validate the training. The model is written to \
            --models as --version with its card; it learns with the correction for position \
            bias (unbiased LambdaMART) unless --no-unbiased. A second model, trained the same \
            way without the correction, goes to --out/models-biased. The remaining days are \
            then served from the same state by popularity, by the fallback order (retrieval \
            blended with popularity), by the model without the correction (two_stage_biased), \
            by the trained model (two_stage) and by the simulator's oracle (its own engagement \
            probabilities: the ceiling), each with the same simulated users and the same \
            random draws. Reported per ranker on those held-out days: engagement \
            rate (shown widgets with a positive label / shown widgets, as `lineup eval` \
            counts them), NDCG@5 from the impression log as \
            `lineup eval` computes it, and true NDCG@5 (the simulator's engagement \
            probabilities as gains, against the best order of the session's candidates). The \
            oracle's answers are logged as ranked, not as shown, so it has no logged NDCG. \
            Databases go to --out.
            """
    )

    @OptionGroup var trainer: TrainerOptions

    @Option(help: "Directory for the databases; created when missing.")
    var out: String

    @Option(help: "Where the model and its card are written.")
    var models = "models"

    @Option(help: "Version of the trained model.")
    var version = "demo-loop"

    @Flag(help: "Replace a model of that version already in --models.")
    var replace = false

    @OptionGroup var world: DemoWorldOptions

    @Option(help: "The last days of the training days that validate (early stopping, the card's metrics).")
    var validationDays = 4

    func validate() throws {
        guard (1..<world.trainDays).contains(validationDays) else {
            throw ValidationError("--validation-days must be between 1 and \(world.trainDays - 1)")
        }
    }

    /// What one ranker did on the days it served.
    struct Served {
        var sessions = 0
        var shown = 0
        var engaged = 0
        var trueNDCGSum = 0.0
    }

    func run() async throws {
        let simulator = try world.simulator()
        let configuration = simulator.configuration
        let days = world.days, trainDays = world.trainDays
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if replace {
            for file in ["\(version).json", "\(version).card.json"] {
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: models).appendingPathComponent(file).path)
            }
        }
        let clock = DemoClock(configuration.start)
        var engineConfiguration = Engine.Configuration()
        engineConfiguration.maxClockSkew = 86_400
        let analysisConfiguration = Analysis.Configuration(schema: OnlineFeatures.schema)
        func database(_ name: String) -> String {
            let path = directory.appendingPathComponent("\(name).sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return path
        }
        func runtime(_ path: String, models: String = models) throws -> Runtime {
            Runtime(
                store: try SQLiteStore(configuration: .init(path: path, synchronous: .normal)), engine: engineConfiguration,
                analysis: analysisConfiguration, modelsDirectory: models, now: { clock.now })
        }
        let trainedOn = try runtime(database("trained-on"))
        try await world.load(simulator, into: trainedOn.engine, clock: clock)
        let started = Date()
        var serving = DemoServing(simulator: simulator, engine: trainedOn.engine, clock: clock)
        let history = try await serve(&serving, days: 0..<trainDays, ranker: .fallback, label: "fallback order", started: started)
        // `lineup train` reads the log from the file, in a process of its own.
        await trainedOn.engine.impressions.flush()

        let trainedFrom = configuration.start
        let trainedTo = configuration.start.addingTimeInterval(Double(trainDays) * 86_400)
        let splitAt = configuration.start.addingTimeInterval(Double(trainDays - validationDays) * 86_400)
        let log = directory.appendingPathComponent("trained-on.sqlite").path
        var card = try train(database: log, from: trainedFrom, to: trainedTo, splitAt: splitAt, models: models, version: version)
        // The same training without the correction, for comparison; not shipped.
        let biasedModels = directory.appendingPathComponent("models-biased").path
        try? FileManager.default.removeItem(atPath: biasedModels)
        try FileManager.default.createDirectory(atPath: biasedModels, withIntermediateDirectories: true)
        let biased = try train(
            database: log, from: trainedFrom, to: trainedTo, splitAt: splitAt, models: biasedModels, version: version + "-biased",
            extra: ["--no-unbiased"])
        let snapshot = database("after-training")
        try await trainedOn.sqlite!.copy(to: snapshot)

        var arms: [ModelCard.LoopReport.Arm] = []
        let rankers: [(name: String, ranker: Ranking.Ranker, model: (directory: String, version: String)?)] = [
            ("popularity", .popularity, nil), ("retrieval", .fallback, nil),
            ("two_stage_biased", .twoStage, (biasedModels, biased.version)), ("two_stage", .twoStage, (models, card.version)),
            ("oracle", .fallback, nil),
        ]
        for (name, ranker, model) in rankers {
            let path = database("held-out-\(name)")
            try FileManager.default.copyItem(atPath: snapshot, toPath: path)
            clock.set(configuration.start.addingTimeInterval(Double(trainDays) * 86_400))
            let arm = try runtime(path, models: model?.directory ?? models)
            try await arm.engine.warmUp()
            arm.models.load(activating: nil)
            if let model { try await arm.models.activate(version: model.version) }
            var armServing = DemoServing(simulator: simulator, engine: arm.engine, clock: clock)
            armServing.controls = serving.controls
            let isOracle = name == "oracle"
            if isOracle { armServing.shownPolicy = Oracle(simulator: simulator) }
            let served = try await serve(&armServing, days: trainDays..<days, ranker: ranker, label: name, started: started)
            let window = ImpressionQuery(
                from: configuration.start.addingTimeInterval(Double(trainDays) * 86_400),
                to: configuration.start.addingTimeInterval(Double(days) * 86_400 + 86_400))
            let logged = try await arm.analysis.evaluate(window, cutoffs: [5])
            let engagementRate = served.shown > 0 ? Double(served.engaged) / Double(served.shown) : 0
            if !isOracle, logged.overall.impressions != served.shown || logged.overall.engagementRate.map({ abs($0 - engagementRate) > 1e-12 }) ?? true {
                Console.line(
                    "demo-loop: \(name): THE LOG DISAGREES: \(logged.overall.impressions) widgets, engagement rate "
                        + "\(logged.overall.engagementRate.map { String($0) } ?? "none") against \(served.shown) and \(engagementRate) served")
            }
            arms.append(
                ModelCard.LoopReport.Arm(
                    name: name, sessions: served.sessions, engagementRate: engagementRate,
                    loggedNdcg5: isOracle ? nil : logged.overall.cutoffs.first?.ndcg,
                    trueNdcg5: served.sessions > 0 ? served.trueNDCGSum / Double(served.sessions) : 0))
        }
        card.loop = ModelCard.LoopReport(
            description: "Days 1–\(trainDays) of the demo world (seed \(world.seed), \(world.items) widgets, \(world.users) users) served by "
                + "the fallback order and logged (\(history.sessions) sessions); the model trained on that log corrected for "
                + "position bias (two_stage) and without the correction (two_stage_biased); days \(trainDays + 1)–\(days) then "
                + "served by each ranker from the same state, with the same users and draws; oracle shows the simulator's own best "
                + "order (the ceiling).",
            heldOutDays: days - trainDays, arms: arms)
        try await trainedOn.models.writeCard(card)

        Console.line("demo-loop: held-out days \(trainDays + 1)–\(days), \(arms.first?.sessions ?? 0) sessions per ranker")
        Console.line("ranker       engagement rate   logged NDCG@5   true NDCG@5")
        for arm in arms {
            Console.line(
                arm.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + String(format: "%-18.4f", arm.engagementRate)
                    + (arm.loggedNdcg5.map { String(format: "%-16.4f", $0) } ?? "—".padding(toLength: 16, withPad: " ", startingAt: 0))
                    + String(format: "%.4f", arm.trueNdcg5))
        }
        let rate = { (name: String) in arms.first { $0.name == name }?.engagementRate ?? 0 }
        if rate("popularity") > 0 {
            let lift = { (name: String) in 100 * (rate(name) / rate("popularity") - 1) }
            let share = lift("oracle") > 0 ? String(format: ", %.0f%% of the oracle's", 100 * lift("two_stage") / lift("oracle")) : ""
            Console.line(
                "demo-loop: engagement over popularity: two-stage \(String(format: "%+.1f%%", lift("two_stage")))\(share), "
                    + "without the position correction \(String(format: "%+.1f%%", lift("two_stage_biased"))), "
                    + "oracle \(String(format: "%+.1f%%", lift("oracle"))); model and card in \(models)/\(card.version).json")
        }
    }

    /// Runs `lineup train` on the served days' log, as its own process: the shipped model is
    /// then made by the command a user runs, flags and all. It trains against the served
    /// fallback order (no active model) and writes into `models`; `extra` flags go last.
    private func train(
        database: String, from: Date, to: Date, splitAt: Date, models: String, version: String, extra: [String] = []
    ) throws -> ModelCard {
        let instant = Date.ISO8601FormatStyle()
        let arguments =
            [
                "train", "--database", database, "--from", from.formatted(instant), "--to", to.formatted(instant),
                "--split-at", splitAt.formatted(instant), "--version", version,
            ] + trainer.arguments.filter { !extra.contains($0) && !($0 == "--unbiased" && extra.contains("--no-unbiased")) } + extra
        Console.line("demo-loop: LINEUP_MODELS_DIRECTORY=\(models) LINEUP_ACTIVE_MODEL= lineup " + arguments.joined(separator: " "))
        let process = Process()
        process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LINEUP_CONFIG"] = nil
        environment["LINEUP_MODELS_DIRECTORY"] = models
        environment["LINEUP_ACTIVE_MODEL"] = ""
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("lineup train exited with status \(process.terminationStatus); nothing was served after it")
        }
        let cardPath = URL(fileURLWithPath: models).appendingPathComponent("\(version).card.json")
        do {
            return try ModelCard(json: Data(contentsOf: cardPath))
        } catch {
            throw ValidationError("cannot read the card lineup train wrote at \(cardPath.path): \(error)")
        }
    }

    /// Serves `days` with `ranker` and counts what happened: engaged widgets are those the
    /// label policy gives a positive label, as `lineup eval` counts them in the log.
    private func serve(
        _ serving: inout DemoServing, days: Range<Int>, ranker: Ranking.Ranker, label: String, started: Date
    ) async throws -> Served {
        let labels = LabelPolicy()
        var served = Served()
        let simulator = serving.simulator
        try await serving.serve(
            days: days, ranker: ranker,
            progress: { day in
                Console.line(
                    "demo-loop: \(label), day \(day + 1), \(served.sessions) sessions served "
                        + "(\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
            }
        ) { session in
            served.sessions += 1
            served.shown += session.shown.count
            served.engaged += session.shown.filter {
                labels.label(of: $0.id, servedAt: session.session.start, events: session.events).grade > 0
            }.count
            // Pinned widgets from other dashboards are shown too: the best order may use them.
            let candidates = session.session.candidates
            let pool = candidates + session.shown.filter { shown in !candidates.contains { $0.id == shown.id } }
            served.trueNDCGSum += Self.trueNDCG(shown: session.shown, candidates: pool, user: session.session.user, in: simulator)
        }
        return served
    }

    /// NDCG@5 of the shown order with the simulator's engagement probabilities as gains,
    /// against the best five of all the session's candidates (and the pinned widgets shown).
    static func trueNDCG(shown: [Item], candidates: [Item], user: User, in simulator: Simulator) -> Double {
        func dcg(_ gains: [Double]) -> Double {
            gains.prefix(5).enumerated().reduce(0) { $0 + $1.element / log2(Double($1.offset + 2)) }
        }
        let ideal = dcg(candidates.map { simulator.attractiveness(of: $0, for: user) }.sorted(by: >))
        return ideal > 0 ? dcg(shown.map { simulator.attractiveness(of: $0, for: user) }) / ideal : 0
    }
}
