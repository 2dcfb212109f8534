import Foundation
import LineupCore
import LineupModels
import LineupRanking
import LineupRetrieval
import LineupStore

extension Engine {
    /// The two-stage answer for one dashboard: retrieval (top `retrievalK` of the catalog,
    /// or of `candidates`), features, the active model's scores, then the user's controls
    /// (pinned widgets first in pin order, hidden ones never), cut to `k`.
    ///
    /// Without an active model the order is the fallback: retrieval score blended with
    /// popularity; for a user who opted out of personalisation, popularity alone. The
    /// answer says which ranker served.
    public func rank(_ request: RankRequest) async throws -> Ranking {
        try ServiceError.checked { () throws(ValidationError) in
            try Identifier.validate(request.userId, field: "user_id")
            try Identifier.validate(request.surface, field: "surface")
            guard (1...configuration.maxPageSize).contains(request.k) else {
                throw ValidationError(field: "k", reason: "must be between 1 and \(configuration.maxPageSize)")
            }
            if let candidates = request.candidates {
                guard candidates.count <= configuration.maxBatchSize else {
                    throw ValidationError(
                        field: "candidates", reason: "lists \(candidates.count) ids; at most \(configuration.maxBatchSize)")
                }
                for (index, id) in candidates.enumerated() { try Identifier.validate(id, field: "candidates[\(index)]") }
            }
        }
        let time = now()
        let requestId = UUIDv7.make(at: time)
        // An experiment's variant may choose the ranker, the model, the retrieval depth and
        // the bandit's mode.
        let assigned = assignment(userId: request.userId, surface: request.surface, at: time)
        let overrides = assigned?.variant.overrides ?? Experiment.Overrides()
        let ranker = request.ranker ?? overrides.ranker.flatMap { Self.experimentRankers[$0] }
        let model = overrides.modelVersion.flatMap { try? models.model(version: $0) } ?? models.active
        let served = Served(
            experiment: assigned?.experiment.id, variant: assigned?.variant.id, bandit: overrides.bandit ?? "on")
        let (pinned, hidden) = features.controls(for: request.userId)
        let allowed = request.candidates.map(Set.init)
        let matrix = embeddings.snapshot
        // Pinned widgets that can be shown, in pin order.
        let pins = pinned.filter { matrix.contains($0) && !hidden.contains($0) && (allowed?.contains($0) ?? true) }

        guard features.personalization(for: request.userId), ranker != .popularity else {
            let popular = userVectors.popular(k: configuration.retrievalK, among: request.candidates, in: matrix)
            let scored = popular.filter { !hidden.contains($0.id) }.map { ($0.id, $0.score, $0.score) }
            return logged(finish(requestId, .popularity, nil, scored, pins: [], k: request.k).ranking, request, served, at: time)
        }

        let retrievalK = max(overrides.retrievalK ?? configuration.retrievalK, request.k)
        let neighbors = try await neighbors(userId: request.userId, k: min(retrievalK, configuration.maxPageSize),
                                            candidates: request.candidates)
        var retrieved = neighbors.items.filter { !hidden.contains($0.id) }
        // Pinned widgets outside the retrieved set still need a retrieval score to be scored.
        let missing = pins.filter { pin in !retrieved.contains { $0.id == pin } }
        if !missing.isEmpty {
            let extra = try await self.neighbors(userId: request.userId, k: missing.count, candidates: missing)
            retrieved += extra.items
        }
        let cosine = neighbors.source != .popularity
        let candidates = retrieved.map { (itemId: $0.id, retrievalScore: cosine ? $0.score : 0) }

        if ranker != .fallback, let model {
            let rows = features.vectors(
                userId: request.userId, candidates: candidates, context: request.context, at: time)
            let scores = try rows.withUnsafeBufferPointer { rows in try model.forest.predictions(rows: rows) }
            let scored = zip(candidates, scores).map { ($0.itemId, $1, $0.retrievalScore) }
            var (ranking, rowIndices) = finish(requestId, .twoStage, model.version, scored, pins: pins, k: request.k)
            if request.explain {
                explain(&ranking, model: model, rowIndices: rowIndices, rows: rows, userId: request.userId, at: time)
            }
            return logged(ranking, request, served, at: time, rowIndices: rowIndices, rows: rows)
        }

        // Fallback: cosine blended with popularity, both scaled to [0, 1] over the candidates.
        let popularity = features.popularity(of: candidates.map(\.itemId), at: time)
        let most = max(popularity.max() ?? 0, .leastNonzeroMagnitude)
        let scored = zip(candidates, popularity).map { candidate, popular -> (String, Float, Float) in
            let blend = cosine ? 0.8 * candidate.retrievalScore + 0.2 * popular / most : popular / most
            return (candidate.itemId, blend, candidate.retrievalScore)
        }
        let (ranking, rowIndices) = finish(requestId, .fallback, nil, scored, pins: pins, k: request.k)
        // The shown widgets' features are logged even though no model read them: they are
        // what the first model trains on (the features as they were at serving time).
        let shown = rowIndices.map { candidates[$0] }
        let rows = features.vectors(userId: request.userId, candidates: shown, context: request.context, at: time)
        return logged(ranking, request, served, at: time, rowIndices: Array(shown.indices), rows: rows)
    }

    /// Chooses the response's layout, then appends the response to the impression log, with
    /// the feature vector of each returned widget (popularity answers, for users who turned
    /// personalisation off, carry none) and the layout's propensity.
    /// What a request was served under, beyond its ranking.
    private struct Served {
        var experiment: String?
        var variant: String?
        /// `on`, `frozen` or `off`.
        var bandit: String
    }

    private func logged(
        _ ranking: Ranking, _ request: RankRequest, _ served: Served, at time: Date, rowIndices: [Int] = [], rows: [Float] = []
    ) -> Ranking {
        let width = OnlineFeatures.schema.count
        let items = ranking.items.enumerated().map { index, item in
            let features = index < rowIndices.count
                ? Array(rows[(rowIndices[index] * width)..<((rowIndices[index] + 1) * width)]) : []
            return ImpressionItem(
                itemId: item.itemId, position: item.position, score: item.score, retrievalScore: item.retrievalScore,
                pinned: item.pinned, features: features)
        }
        var ranking = ranking
        ranking.experiment = served.experiment
        ranking.variant = served.variant
        if served.bandit != "off" {
            ranking.layout = chooseLayout(
                surface: request.surface, userId: request.userId, context: request.context, at: time,
                exploit: served.bandit == "frozen")
        }
        impressions.append(Impression(
            requestId: ranking.requestId, time: time, userId: request.userId, surface: request.surface,
            context: request.context, experiment: served.experiment, variant: served.variant, ranker: ranking.ranker.rawValue,
            modelVersion: ranking.modelVersion, layoutArm: ranking.layout?.arm, layoutPropensity: ranking.layout?.propensity,
            layoutSegment: ranking.layout?.segment, schemaVersion: OnlineFeatures.schema.version, items: items))
        return ranking
    }

    /// Orders by score (ties to the smaller id), puts pins first, cuts to `k`. Also returns,
    /// per returned item, its index in `scored` (the row of its feature vector).
    private func finish(
        _ requestId: String, _ ranker: Ranking.Ranker, _ version: String?, _ scored: [(String, Float, Float)],
        pins: [String], k: Int
    ) -> (ranking: Ranking, rowIndices: [Int]) {
        let indexed = scored.enumerated().map { (id: $1.0, score: $1.1, retrieval: $1.2, row: $0) }
        let byId = Dictionary(indexed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let pinned = pins.compactMap { byId[$0] }
        let pinnedIds = Set(pins)
        let rest = indexed.filter { !pinnedIds.contains($0.id) }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        let chosen = (pinned + rest).prefix(k)
        let items = chosen.enumerated().map { index, entry in
            RankedItem(
                itemId: entry.id, position: index + 1, score: entry.score, retrievalScore: entry.retrieval,
                pinned: pinnedIds.contains(entry.id))
        }
        return (Ranking(requestId: requestId, ranker: ranker, modelVersion: version, items: items), chosen.map(\.row))
    }

    /// Adds the top TreeSHAP contributions and a sentence to each returned item.
    private func explain(
        _ ranking: inout Ranking, model: RankingModel, rowIndices: [Int], rows: [Float], userId: String, at time: Date
    ) {
        let width = OnlineFeatures.schema.count
        let names = OnlineFeatures.schema.names
        for index in ranking.items.indices {
            let row = rowIndices[index]
            let contributions = rows.withUnsafeBufferPointer { rows in
                try? model.forest.contributions(row: UnsafeBufferPointer(rebasing: rows[(row * width)..<((row + 1) * width)]))
            }
            guard let contributions else { continue }
            let top = (0..<width).sorted { abs(contributions[$0]) > abs(contributions[$1]) }.prefix(3)
            ranking.items[index].contributions = top.map { FeatureContribution(feature: names[$0], value: contributions[$0]) }
            ranking.items[index].reason = Reason.sentence(
                for: ranking.items[index], features: features, userId: userId, matrix: embeddings.snapshot, at: time)
        }
    }
}
