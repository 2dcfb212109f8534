import ArgumentParser
import Foundation
import LineupAnalysis
import LineupEngine
import LineupModels
import LineupSQLite
import LineupStore
import Logging

/// What a command runs on, composed in one place: the store, the model registry, the
/// request path (`Engine`) and the offline analysis over the same store, wired so that the
/// analysis writes what the engine's impression log still buffers before it reads.
///
/// The executable is the composition root: the server and the analysis never open a store
/// themselves, so another backend is a change here and in the settings, nowhere else.
struct Runtime {
    let store: SQLiteStore
    let models: ModelRegistry
    let engine: Engine
    let analysis: Analysis

    init(
        store: SQLiteStore, engine configuration: Engine.Configuration, analysis analysisConfiguration: Analysis.Configuration,
        modelsDirectory: String?, impressionStore: (any ImpressionStore)? = nil, logger: Logger = Logger(label: "lineup"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        models = ModelRegistry(directory: modelsDirectory, schema: OnlineFeatures.schema, logger: logger)
        let engine = Engine(
            configuration: configuration, store: store, models: models, impressionStore: impressionStore, logger: logger, now: now)
        self.engine = engine
        analysis = Analysis(
            configuration: analysisConfiguration, store: store, models: models,
            pendingWrites: { await engine.impressions.flush() }, logger: logger, now: now)
    }

    /// The runtime the settings describe. `existing`: the command reads a log, so a missing
    /// database file is a usage error rather than a new empty database.
    init(
        settings: Settings, existing: Bool = false, checkpoints: SQLiteStore.Configuration.Checkpoints = .inline,
        logger: Logger = Logger(label: "lineup")
    ) throws {
        if existing, !FileManager.default.fileExists(atPath: settings.database) {
            throw ArgumentParser.ValidationError("no database at \(settings.database) (--database, or database in the config)")
        }
        self.init(
            store: try SQLiteStore(configuration: settings.store(checkpoints: checkpoints)), engine: settings.engine,
            analysis: settings.analysis, modelsDirectory: settings.modelsDirectory, logger: logger)
    }
}
