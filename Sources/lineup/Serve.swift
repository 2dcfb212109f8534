import ArgumentParser
import Foundation
import LineupRetrieval
import LineupSQLite
import LineupServer
import Logging
import ServiceLifecycle

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
        let runtime = try await Runtime.open(settings: settings, checkpoints: .background, logger: logger)
        let engine = runtime.engine
        var configuration = settings.server
        configuration.demoUI = configuration.demoUI || demo
        let server = Server(configuration: configuration, engine: engine, analysis: runtime.analysis, logger: logger)
        do {
            try server.validate()
        } catch {
            // A refused configuration is a usage error (exit 64), found before any work.
            throw ValidationError(error.description)
        }
        if demo {
            let statistics = try await runtime.store.statistics()
            if statistics.items == 0 {
                try await DemoLoader(engine: engine, seed: seed).load()
            } else {
                Console.line("demo: \(settings.storeDescription) already holds \(statistics.items) items; leaving it as it is")
            }
        }
        BLASLibrary.useOneThreadPerCall()
        logger.info("BLAS: \(BLASLibrary.name) (\(BLASLibrary.path)), one thread per call")
        try await engine.warmUp()
        try await runtime.loadModels(settings)
        if let model = runtime.models.active {
            Console.line("stage 2: model \(model.version) (\(model.forest.trees.count) trees)")
        } else {
            Console.line("stage 2: no model active (\(settings.modelsDirectory)/\(settings.activeModel).json); serving the fallback order")
        }
        // The store's own upkeep runs in the server's service group, stopped after the
        // impression log's last write.
        var maintenance: [any Service] = []
        if let store = runtime.sqlite {
            maintenance.append(
                PeriodicService("sqlite checkpointer", every: SQLiteStore.checkpointInterval) { await store.checkpoint() })
        }
        Console.line("Lineup serving \(settings.storeDescription) on http://\(settings.host):\(settings.port)")
        if settings.retrainIntervalMinutes > 0 {
            Console.line(
                "retraining every \(settings.retrainIntervalMinutes) min on the last \(settings.retrainWindowDays) days of the log")
        }
        // SIGTERM or SIGINT: the server stops taking requests and finishes those it has, then
        // the services stop in order, the impression log writing what the last requests left.
        try await server.run(maintenance: maintenance)
        Console.line("Lineup stopped; impression log written")
    }
}
