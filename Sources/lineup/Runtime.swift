import ArgumentParser
import Foundation
import LineupAnalysis
import LineupEngine
import LineupModels
import LineupPostgres
import LineupSQLite
import LineupStore
import Logging

/// What a command runs on, composed in one place: the store, the model registry, the
/// request path (`Engine`) and the offline analysis over the same store, wired so that the
/// analysis writes what the engine's impression log still buffers before it reads.
///
/// The executable is the composition root: the server and the analysis never open a store
/// themselves. The settings name one of two: the SQLite file (the default, one process),
/// or PostgreSQL (`database_url`), which several replicas share; there the models live in
/// the database too.
struct Runtime {
    let store: any Store
    /// The SQLite store, when the settings name one: its upkeep and copies are its own.
    let sqlite: SQLiteStore?
    let models: ModelRegistry
    let engine: Engine
    let analysis: Analysis

    /// A runtime on a SQLite store with a models directory (the demos).
    init(
        store: SQLiteStore, engine configuration: Engine.Configuration, analysis analysisConfiguration: Analysis.Configuration,
        modelsDirectory: String?, impressionStore: (any ImpressionStore)? = nil, logger: Logger = Logger(label: "lineup"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            store: store, sqlite: store,
            models: ModelRegistry(directory: modelsDirectory, schema: OnlineFeatures.schema, logger: logger),
            engine: configuration, analysis: analysisConfiguration, impressionStore: impressionStore, logger: logger, now: now)
    }

    private init(
        store: any Store, sqlite: SQLiteStore?, models: ModelRegistry, engine configuration: Engine.Configuration,
        analysis analysisConfiguration: Analysis.Configuration, impressionStore: (any ImpressionStore)?, logger: Logger,
        now: @escaping @Sendable () -> Date
    ) {
        self.store = store
        self.sqlite = sqlite
        self.models = models
        let engine = Engine(
            configuration: configuration, store: store, models: models, impressionStore: impressionStore, logger: logger, now: now)
        self.engine = engine
        analysis = Analysis(
            configuration: analysisConfiguration, store: store, models: models,
            pendingWrites: { await engine.impressions.flush() }, logger: logger, now: now)
    }

    /// The runtime the settings describe. `existing`: the command reads a log, so a missing
    /// SQLite file is a usage error rather than a new empty database.
    static func open(
        settings: Settings, existing: Bool = false, checkpoints: SQLiteStore.Configuration.Checkpoints = .inline,
        logger: Logger = Logger(label: "lineup")
    ) async throws -> Runtime {
        if let configuration = try settings.postgres() {
            let store: PostgresStore
            do {
                store = try await PostgresStore(configuration: configuration, logger: logger)
            } catch {
                throw ArgumentParser.ValidationError("\(error)")
            }
            return Runtime(
                store: store, sqlite: nil,
                models: try ModelRegistry(store: store, schema: OnlineFeatures.schema, logger: logger),
                engine: settings.engine, analysis: settings.analysis, impressionStore: nil, logger: logger, now: { Date() })
        }
        if existing, !FileManager.default.fileExists(atPath: settings.database) {
            throw ArgumentParser.ValidationError("no database at \(settings.database) (--database, or database in the config)")
        }
        return Runtime(
            store: try SQLiteStore(configuration: settings.store(checkpoints: checkpoints)), engine: settings.engine,
            analysis: settings.analysis, modelsDirectory: settings.modelsDirectory, logger: logger)
    }

    /// Makes the configured model serve: from the models directory, or, on PostgreSQL, the
    /// database's active model (a new database is seeded from the directory first, once).
    func loadModels(_ settings: Settings) async throws {
        guard models.store != nil else { return models.load(activating: settings.activeVersion) }
        try await models.seed(from: settings.modelsDirectory, active: settings.activeVersion)
        try await models.sync()
    }
}
