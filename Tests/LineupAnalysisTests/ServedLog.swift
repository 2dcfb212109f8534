import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupModels
import LineupSQLite
import Synchronization

/// A log to analyse, made the way production makes it: an engine serves requests into an
/// in-memory store, and the analysis reads that store, writing what the engine's impression
/// log still buffers first (as the composition root wires them).
struct ServedLog {
    final class Clock: Sendable {
        let value: Mutex<Date>
        init(_ start: Date) { value = Mutex(start) }
        var now: Date { value.withLock { $0 } }
        func set(_ time: Date) { value.withLock { $0 = time } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    let store: SQLiteStore
    let models: ModelRegistry
    let engine: Engine
    let analysis: Analysis
    let clock: Clock

    init(
        start: Date, modelsDirectory: String? = nil, configure: (inout Engine.Configuration) -> Void = { _ in }
    ) throws {
        store = try SQLiteStore()
        let clock = Clock(start)
        self.clock = clock
        var configuration = Engine.Configuration(embeddingDimension: 2)
        configure(&configuration)
        models = ModelRegistry(directory: modelsDirectory, schema: OnlineFeatures.schema)
        let engine = Engine(configuration: configuration, store: store, models: models, now: { clock.now })
        self.engine = engine
        analysis = Analysis(
            configuration: Analysis.Configuration(layouts: configuration.layouts, schema: OnlineFeatures.schema), store: store,
            models: models, pendingWrites: { await engine.impressions.flush() }, now: { clock.now })
    }
}
