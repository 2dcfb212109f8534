import Foundation
import LineupCore
import LineupEvaluation
import LineupModels
import LineupRanking
import LineupStore
import Synchronization

extension Analysis {
    /// Evaluates the impression log in `query`'s window: NDCG@K, Recall@K and MRR per
    /// response (in score order, ties as scikit-learn treats them), AUC pooled over every
    /// shown widget, engagement per position. Labels follow `configuration.labels`.
    ///
    /// Memory stays constant whatever the window: responses stream one at a time, and the
    /// pooled AUC reads scores already sorted by the store. With `replay`, the model
    /// re-scores each response's logged feature vectors and the report compares its order
    /// with the served one on the same responses.
    public func evaluate(
        _ query: ImpressionQuery, cutoffs: [Int], replay: (name: String, forest: Forest)? = nil
    ) async throws -> LogEvaluation {
        // Buffered responses belong to the window too.
        await pendingWrites()
        let template: MetricsAccumulator
        do {
            template = try MetricsAccumulator(cutoffs: cutoffs)
        } catch {
            throw ServiceError.invalid(ValidationError(field: "k", reason: "\(error)"))
        }
        if let replay {
            // The same check as activating it: a model reading other columns is refused.
            _ = try RankingModel(version: replay.name, forest: replay.forest, schema: configuration.schema)
        }
        let groups = Mutex(EvaluationGroups(template: template))
        let labels = configuration.labels
        let forest = replay?.forest
        try await store.scanImpressions(query, labels: labels, features: forest != nil) { labeled in
            let impression = labeled.impression
            if let forest {
                guard impression.items.allSatisfy({ $0.features.count == forest.featureCount }) else {
                    groups.withLock { $0.skipped += 1 }
                    return
                }
                let rows = impression.items.flatMap(\.features)
                let scores = try rows.withUnsafeBufferPointer { try forest.predictions(rows: $0) }
                let replayed = zip(impression.items, scores).enumerated().map { index, pair in
                    JudgedItem(score: Double(pair.1), label: labeled.labels[index], position: pair.0.position)
                }
                groups.withLock { $0.replay.add(request: replayed) }
            }
            let served = impression.items.enumerated().map { index, item in
                JudgedItem(score: Double(item.score), label: labeled.labels[index], position: item.position)
            }
            let keys = EvaluationGroups.keys(time: impression.time, ranker: impression.ranker, variant: impression.variant)
            groups.withLock { $0.add(served, keys: keys) }
        }
        try await store.scanScores(query, labels: labels, withFeatures: forest != nil, rescore: nil) { logged in
            let keys = EvaluationGroups.keys(time: logged.time, ranker: logged.ranker, variant: logged.variant)
            groups.withLock { $0.addScore(Double(logged.score), positive: logged.label > 0, keys: keys) }
        }
        var replayAUC: Double?
        if let forest {
            let auc = Mutex(SortedAUC())
            try await store.scanScores(query, labels: labels, withFeatures: true, rescore: { features in
                features.withUnsafeBufferPointer { (try? forest.predictions(rows: $0))?.first ?? .nan }
            }) { logged in
                auc.withLock { $0.add(score: Double(logged.score), positive: logged.label > 0) }
            }
            replayAUC = auc.withLock { $0.value }
        }
        return groups.withLock { groups in
            groups.evaluation(replay: replay.map { ($0.name, replayAUC) })
        }
    }
}

extension Analysis {
    /// `evaluate` with a model of the models directory replayed, by version.
    public func evaluate(_ query: ImpressionQuery, cutoffs: [Int], replayVersion: String) async throws -> LogEvaluation {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(replayVersion, field: "replay") }
        let model = try models.model(version: replayVersion)
        return try await evaluate(query, cutoffs: cutoffs, replay: (replayVersion, model.forest))
    }
}
