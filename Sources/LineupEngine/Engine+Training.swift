import Foundation
import LineupCore
import LineupRanking
import LineupStore
import LineupTraining
import Synchronization

extension Engine {
    /// Reads `specification`'s window of the impression log into training and validation
    /// rows, split by time. Labels follow `configuration.labels`, as `lineup eval` has them.
    /// Responses whose widgets carry no features of the current schema are skipped (popularity
    /// answers for users who opted out), and so are responses without an engaged widget:
    /// LambdaMART learns from pairs with different labels, and they hold none.
    public func trainingSet(_ specification: TrainingSpecification) async throws -> LogTrainingSet {
        await impressions.flush()
        let schema = OnlineFeatures.schema
        struct Logged {
            var time: Date
            var rows: [Float]
            var labels: [Float]
        }
        let collected = Mutex((groups: [Logged](), skipped: ModelCard.Skipped()))
        try await store.scanImpressions(
            ImpressionQuery(from: specification.from, to: specification.to), labels: configuration.labels, features: true
        ) { labeled in
            let impression = labeled.impression
            guard impression.schemaVersion == schema.version, !impression.items.isEmpty,
                impression.items.allSatisfy({ $0.features.count == schema.count })
            else {
                collected.withLock { $0.skipped.withoutFeatures += 1 }
                return
            }
            guard labeled.labels.contains(where: { $0 > 0 }) else {
                collected.withLock { $0.skipped.withoutEngagement += 1 }
                return
            }
            let group = Logged(
                time: impression.time, rows: impression.items.flatMap(\.features),
                labels: labeled.labels.map { Float(min($0, 31)) })
            collected.withLock { $0.groups.append(group) }
        }
        let (groups, skipped) = collected.withLock { $0 }
        guard let first = groups.first?.time, let last = groups.last?.time else {
            throw EngineError.invalid(
                ValidationError(field: "window", reason: "no logged response in it has features and an engaged widget to learn from"))
        }
        let start = specification.from ?? first
        let end = specification.to ?? last
        let splitAt = specification.splitAt ?? end.addingTimeInterval(-end.timeIntervalSince(start) * specification.validationShare)
        func data(_ groups: ArraySlice<Logged>) throws -> (TrainingData, ModelCard.SplitCounts) {
            let trainingData = try TrainingData(
                rows: groups.flatMap(\.rows), labels: groups.flatMap(\.labels), groups: groups.map(\.labels.count),
                featureCount: schema.count, featureNames: schema.names)
            return (trainingData, ModelCard.SplitCounts(trainingData))
        }
        let cut = groups.firstIndex { $0.time >= splitAt } ?? groups.count
        guard cut > 0 else {
            throw EngineError.invalid(ValidationError(field: "split_at", reason: "leaves no logged response to train on"))
        }
        let (train, trainCounts) = try data(groups[..<cut])
        let validation = cut < groups.count ? try data(groups[cut...]) : nil
        return LogTrainingSet(
            train: train, validation: validation?.0,
            window: ModelCard.DataWindow(
                source: "impression log", windowStart: start, windowEnd: end, splitAt: validation == nil ? nil : splitAt,
                train: trainCounts, validation: validation?.1, skipped: skipped))
    }

    /// Trains a model on the impression log, writes `<version>.json` (XGBoost JSON) and its
    /// card into the models directory, and rescans it, so the version is listed and can be
    /// activated. Does not activate it. `progress` hears every round.
    public func train(
        _ specification: TrainingSpecification, progress: @escaping @Sendable (TrainingRound) -> Void = { _ in }
    ) async throws -> ModelCard {
        guard let directory = configuration.modelsDirectory else {
            throw EngineError.invalid(ValidationError(field: "models_directory", reason: "is not set; trained models go there"))
        }
        try specification.validate()
        let version = specification.version ?? Self.defaultVersion(at: now())
        let modelURL = URL(fileURLWithPath: directory).appendingPathComponent("\(version).json")
        try checkVersionFree(version)
        let set = try await trainingSet(specification)
        let trainer = Trainer(configuration: specification.trainer)
        let result: TrainingResult
        do {
            result = try trainer.train(set.train, validation: set.validation, progress: progress)
        } catch {
            throw EngineError.invalid(ValidationError(field: "training", reason: "\(error)"))
        }
        var card = ModelCard(
            version: version, createdAt: now(), configuration: specification.trainer, result: result,
            features: OnlineFeatures.schema.names, schemaVersion: OnlineFeatures.schema.version, data: set.window)
        if let validation = set.validation, let score = card.metrics.bestValidation {
            let active = activeModel
            let activeScore: Double
            if let active {
                let margins = try validation.rows.withUnsafeBufferPointer { try active.forest.margins(rows: $0) }
                activeScore = trainer.validationScore(validation, margins: margins)
            } else {
                // No model serving: judge the order that was served. Items are logged in
                // position order, so a score falling with the row index is that order.
                let served = (0..<validation.count).map { -Float($0) }
                activeScore = trainer.validationScore(validation, margins: served)
            }
            card.comparison = ModelCard.Comparison(
                activeVersion: active?.version, activeValidation: activeScore, better: score > activeScore)
        }
        try Self.write(result.forest.xgboostJSON(), to: modelURL)
        try Self.write(card.json(), to: URL(fileURLWithPath: directory).appendingPathComponent("\(version).card.json"))
        scanModels()
        return card
    }

    /// Rewrites a trained model's card (the demo loop adds what serving it did).
    public func writeCard(_ card: ModelCard) throws {
        guard let directory = configuration.modelsDirectory else {
            throw EngineError.invalid(ValidationError(field: "models_directory", reason: "is not set"))
        }
        try Self.write(card.json(), to: URL(fileURLWithPath: directory).appendingPathComponent("\(card.version).card.json"))
        scanModels()
    }

    /// Refuses a version whose model file exists: a trained model never overwrites another.
    func checkVersionFree(_ version: String) throws {
        guard let directory = configuration.modelsDirectory else { return }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(version).json").path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw EngineError.conflict(field: "version", reason: "model \(version) exists already; name the new one differently")
        }
    }

    static func defaultVersion(at time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "lineup-\(formatter.string(from: time))"
    }

    /// Writes beside the target and renames, so a reader never sees half a file.
    static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
