import Foundation
import LineupCore
import LineupRetrieval
import LineupStore

extension Engine {
    /// Rows read from the store per page while rebuilding in-memory state.
    static let warmUpPage = 5_000

    /// Rebuilds the in-memory state from the store: the embedding matrix from the catalog,
    /// roles from the profiles, layouts, experiments, the shared models (replicas), and the
    /// users' recent engagements by replaying the event log in arrival order, from where
    /// this engine's state stands (all of it at start). Call once before serving.
    public func warmUp() async throws {
        let started = Date()
        // Replicas: changes committed from here on are followed, so none made while the
        // state is read is missed (one read twice is applied twice, to the same effect).
        if let shared = store as? any SharedStore {
            let last = try await shared.lastChange()
            changePosition.withLock { $0 = last }
        }
        let items = try await loadCatalog()
        try await loadProfiles()
        try await loadLayouts()
        try await loadExperiments()
        // Replicas: the models and the active one are the database's (a no-op otherwise).
        try await models.sync()
        let events = try await catchUpEvents()
        logger.info(
            "warmed up",
            metadata: [
                "items": "\(items)", "searchable": "\(embeddings.snapshot.count)", "events": "\(events)",
                "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
            ])
    }

    /// The `k` items closest to the user's recent interests (stage 1 of ranking), restricted
    /// to `candidates` when given; cold users get their role's prior, else popularity.
    public func neighbors(userId: String, k: Int, candidates: [String]? = nil) async throws -> Neighbors {
        try ServiceError.checked { () throws(ValidationError) in
            try Identifier.validate(userId, field: "userId")
            guard (1...configuration.maxPageSize).contains(k) else {
                throw ValidationError(field: "k", reason: "must be between 1 and \(configuration.maxPageSize)")
            }
            if let candidates, candidates.count > configuration.maxBatchSize {
                throw ValidationError(
                    field: "candidates", reason: "lists \(candidates.count) ids; at most \(configuration.maxBatchSize)")
            }
        }
        let matrix = embeddings.snapshot
        let query = userVectors.query(for: userId, at: now(), in: matrix)
        func nearest(_ vector: [Float]) async throws -> [ScoredItem] {
            if let candidates { return try matrix.nearest(to: vector, k: k, among: candidates) }
            return try await search.nearest(to: vector, k: k)
        }
        switch query {
        case .personal(let vector): return Neighbors(source: .personal, items: try await nearest(vector))
        case .role(let vector): return Neighbors(source: .role, items: try await nearest(vector))
        case .popularity:
            return Neighbors(source: .popularity, items: userVectors.popular(k: k, among: candidates, in: matrix))
        }
    }

    /// Puts active items' vectors (given, or derived from their text) into the matrix and
    /// takes inactive ones out, in one published update.
    func index(_ items: [Item]) {
        guard !items.isEmpty else { return }
        var mismatched: [String] = []
        for item in items { features.setItem(item) }
        embeddings.update { matrix in
            for item in items {
                guard item.active else {
                    matrix.remove(id: item.id)
                    continue
                }
                let content = {
                    self.embedder.embedding(
                        title: item.title, description: item.description, type: item.type, tags: item.tags)
                }
                do {
                    try matrix.upsert(id: item.id, vector: item.embedding ?? content())
                } catch {
                    // Validation admits only usable vectors of the configured dimension, so
                    // this is a store written under another `embedding_dimension`: keep the
                    // widget searchable by its content until new vectors arrive.
                    mismatched.append(item.id)
                    try? matrix.upsert(id: item.id, vector: content())
                }
            }
        }
        if !mismatched.isEmpty {
            logger.warning(
                "stored embeddings do not fit the configured dimension; these widgets use their content embedding until new vectors are sent",
                metadata: [
                    "count": "\(mismatched.count)", "first": "\(mismatched.prefix(3).joined(separator: ", "))",
                    "embedding_dimension": "\(configuration.embeddingDimension)",
                ])
        }
    }
}
