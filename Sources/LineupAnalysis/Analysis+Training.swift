import Foundation
import LineupCore
import LineupModels
import LineupRanking
import LineupStore
import LineupTraining
import Synchronization

extension Analysis {
    /// Reads `specification`'s window of the impression log into training and validation
    /// rows, split by time. Labels follow `configuration.labels`, as `lineup eval` has them.
    /// Responses whose widgets carry no features of the current schema are skipped (popularity
    /// answers for users who opted out), and so are responses without an engaged widget:
    /// LambdaMART learns from pairs with different labels, and they hold none.
    public func trainingSet(_ specification: TrainingSpecification) async throws -> LogTrainingSet {
        await pendingWrites()
        let schema = configuration.schema
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
            throw ServiceError.invalid(
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
            throw ServiceError.invalid(ValidationError(field: "split_at", reason: "leaves no logged response to train on"))
        }
        let (train, trainCounts) = try data(groups[..<cut])
        let validation = cut < groups.count ? try data(groups[cut...]) : nil
        return LogTrainingSet(
            train: train, validation: validation?.0,
            window: ModelCard.DataWindow(
                source: "impression log", windowStart: start, windowEnd: end, splitAt: validation == nil ? nil : splitAt,
                train: trainCounts, validation: validation?.1, skipped: skipped))
    }

    /// Trains a model on the impression log and registers it in the models directory
    /// (`<version>.json`, XGBoost JSON, and its card), so the version is listed and can be
    /// activated. Does not activate it. `progress` hears every round.
    public func train(
        _ specification: TrainingSpecification, progress: @escaping @Sendable (TrainingRound) -> Void = { _ in }
    ) async throws -> ModelCard {
        guard models.directory != nil else {
            throw ServiceError.invalid(ValidationError(field: "models_directory", reason: ModelError.noDirectory.description))
        }
        try specification.validate()
        let version = specification.version ?? ModelRegistry.defaultVersion(at: now())
        try await models.checkVersionFree(version)
        let set = try await trainingSet(specification)
        let trainer = Trainer(configuration: specification.trainer)
        let result: TrainingResult
        do {
            result = try trainer.train(set.train, validation: set.validation, progress: progress)
        } catch {
            throw ServiceError.invalid(ValidationError(field: "training", reason: "\(error)"))
        }
        let schema = configuration.schema
        var card = ModelCard(
            version: version, createdAt: now(), configuration: specification.trainer, result: result,
            features: schema.names, schemaVersion: schema.version, data: set.window)
        if let validation = set.validation, let score = card.metrics.bestValidation {
            let active = models.active
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
        try await models.register(version: version, model: result.forest.xgboostJSON(), card: card)
        return card
    }
}
