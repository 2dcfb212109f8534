import ArgumentParser
import Foundation
import Hummingbird
import LineupEngine
import LineupRetrieval
import LineupSQLite
import LineupServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service.",
        discussion: """
            Settings come from --config FILE (or $LINEUP_CONFIG), then LINEUP_* environment \
            variables, then these flags. Tokens are set in the file or the environment only \
            (LINEUP_CLIENT_TOKENS, LINEUP_ADMIN_TOKENS), never on the command line where other \
            users of the machine could read them. SIGTERM or Ctrl-C shut down gracefully.
            """
    )

    @OptionGroup var options: SettingsOptions

    @Option(name: .long, help: "Address to listen on (default: 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (default: 8080).")
    var port: Int?

    @Flag(name: .long, help: "Fill an empty store with the demo dataset before serving.")
    var demo = false

    @Option(name: .long, help: "Seed of the demo dataset.")
    var seed: UInt64 = 42

    func run() async throws {
        let settings = try options.settings(extra: [("host", host), ("port", port.map(String.init))])
        let logger = LogBootstrap.run(level: settings.logLevel, label: "lineup")
        let store = try SQLiteStore(configuration: settings.store)
        let engine = Engine(configuration: settings.engine, store: store, logger: logger)
        if demo {
            let statistics = try await store.statistics()
            if statistics.items == 0 {
                try await DemoLoader(engine: engine, seed: seed).load()
            } else {
                Console.line("demo: \(settings.database) already holds \(statistics.items) items; leaving it as it is")
            }
        }
        BLASLibrary.useOneThreadPerCall()
        logger.info("BLAS: \(BLASLibrary.name) (\(BLASLibrary.path)), one thread per call")
        try await engine.warmUp()
        engine.loadModels()
        if let model = engine.activeModel {
            Console.line("stage 2: model \(model.version) (\(model.forest.trees.count) trees)")
        } else {
            Console.line("stage 2: no model active (\(settings.modelsDirectory)/\(settings.activeModel).json); serving the fallback order")
        }
        let server = Server(configuration: settings.server, engine: engine, logger: logger)
        let application = try Self.application(of: server)
        Console.line("Lineup serving \(settings.database) on http://\(settings.host):\(settings.port)")
        let schedule: Task<Void, Never>? = settings.retrainIntervalMinutes > 0
            ? Task.detached(priority: .background) { [training = server.training] in
                await training.runSchedule(
                    every: .seconds(settings.retrainIntervalMinutes * 60), window: settings.retrainWindowDays * 86_400,
                    base: TrainingSpecification())
            }
            : nil
        if schedule != nil {
            Console.line(
                "retraining every \(settings.retrainIntervalMinutes) min on the last \(settings.retrainWindowDays) days of the log")
        }
        // Layout rewards: windows close and the bandit redraws from the new evidence.
        let settling = Task.detached(priority: .utility) { await engine.runLayoutSettling(every: .seconds(5)) }
        defer {
            schedule?.cancel()
            settling.cancel()
        }
        try await application.runService()
        // The server has stopped and its requests are done: write what the log still holds.
        await engine.impressions.close()
        Console.line("Lineup stopped; impression log written")
    }

    /// The application, with a refused configuration reported as a usage error (exit 64).
    private static func application(of server: Server) throws -> some ApplicationProtocol {
        do {
            return try server.makeApplication()
        } catch let error as Server.Error {
            throw ValidationError(error.description)
        }
    }
}
