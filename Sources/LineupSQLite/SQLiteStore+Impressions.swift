import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func insertImpressions(_ impressions: [Impression]) async throws {
        guard !impressions.isEmpty else { return }
        // Encode outside the write transaction: the writer is the one serialized resource.
        let contexts = impressions.map { $0.context.isEmpty ? nil : JSONCoding.string($0.context) }
        let features = impressions.map { $0.items.map { $0.features.isEmpty ? nil : EmbeddingBlob.data(from: $0.features) } }
        try await writer.write { db in
            let header = try db.cachedStatement(sql: """
                INSERT INTO impressions (request_id, ts, user_id, surface, context, experiment, variant, ranker,
                    model_version, layout_arm, layout_propensity, layout_segment, schema_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(request_id) DO NOTHING
                """)
            let exposure = try db.cachedStatement(sql: """
                INSERT INTO experiment_exposures (experiment, user_id, variant, first_seen) VALUES (?, ?, ?, ?)
                ON CONFLICT(experiment, user_id) DO NOTHING
                """)
            let line = try db.cachedStatement(sql: """
                INSERT INTO impression_items (request_id, position, item_id, score, retrieval_score, pinned, features)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for (index, impression) in impressions.enumerated() {
                try header.execute(arguments: [
                    impression.requestId, impression.time.timeIntervalSince1970, impression.userId, impression.surface,
                    contexts[index], impression.experiment, impression.variant, impression.ranker,
                    impression.modelVersion, impression.layoutArm, impression.layoutPropensity, impression.layoutSegment,
                    impression.schemaVersion,
                ])
                guard db.changesCount > 0 else { continue }
                if let experiment = impression.experiment, let variant = impression.variant {
                    try exposure.execute(arguments: [
                        experiment, impression.userId, variant, impression.time.timeIntervalSince1970,
                    ])
                }
                for (position, item) in impression.items.enumerated() {
                    try line.execute(arguments: [
                        impression.requestId, item.position, item.itemId, Double(item.score), Double(item.retrievalScore),
                        item.pinned, features[index][position],
                    ])
                }
            }
        }
    }

    public func scanImpressions(
        _ query: ImpressionQuery, labels: LabelPolicy, features: Bool,
        _ body: @escaping @Sendable (LabeledImpression) throws -> Void
    ) async throws {
        let (filter, arguments) = Self.filter(query)
        let sql = """
            SELECT i.*, ii.position, ii.item_id, ii.score, ii.retrieval_score, ii.pinned,
                \(features ? "ii.features" : "NULL AS features"), \(LogSQL.label(labels)) AS label
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            \(filter)
            ORDER BY i.ts, i.request_id, ii.position
            """
        try await scanning { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var gathering = LabeledImpression.Gathering()
            while let row = try rows.next() {
                try gathering.add(
                    requestId: row["request_id"], item: Self.item(from: row), label: row["label"],
                    impression: { try Self.impression(from: row, items: []) }, to: body)
            }
            try gathering.finish(body)
        }
    }

    public func scanScores(
        _ query: ImpressionQuery, labels: LabelPolicy, withFeatures: Bool, rescore: (@Sendable ([Float]) -> Float)?,
        _ body: @escaping @Sendable (LoggedScore) throws -> Void
    ) async throws {
        let (clauses, arguments) = Self.filter(query)
        let featured = withFeatures || rescore != nil
        let filter = featured ? clauses + (clauses.isEmpty ? "WHERE " : " AND ") + "ii.features IS NOT NULL" : clauses
        // SQLite sorts what does not fit its cache in temporary files: constant memory.
        let sql = """
            SELECT \(rescore == nil ? "ii.score" : "lineup_rescore(ii.features)") AS s, \(LogSQL.label(labels)) AS label,
                i.ts, i.ranker, i.variant
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            \(filter)
            ORDER BY s
            """
        try await scanning { db in
            let function = rescore.map { rescore in
                DatabaseFunction("lineup_rescore", argumentCount: 1, pure: true) { values in
                    guard let data = Data.fromDatabaseValue(values[0]) else { return nil }
                    return Double(rescore(EmbeddingBlob.floats(from: data)))
                }
            }
            if let function { db.add(function: function) }
            defer { if let function { db.remove(function: function) } }
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let score: Double = row["s"]
                let label: Int = row["label"]
                try body(LoggedScore(
                    score: Float(score), label: max(0, label), time: Date(timeIntervalSince1970: row["ts"]),
                    ranker: row["ranker"], variant: row["variant"]))
            }
        }
    }

    /// Runs a scan of the whole log on a connection of its own, without memory-mapping and
    /// with an 8 MB cache (which also bounds SQLite's sorter before it spills to temporary
    /// files), so a scan over millions of rows holds the same memory as one over a
    /// thousand. An in-memory store has no file to open again and scans on its own.
    func scanning<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let path else { return try await writer.read(body) }
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA mmap_size = 0")
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        return try await connection.read(body)
    }

    public func impressions(userId: String) async throws -> [Impression] {
        try await writer.read { db in try Self.impressions(userId: userId, in: db) }
    }

    static func impressions(userId: String, in db: Database) throws -> [Impression] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT i.*, ii.position, ii.item_id, ii.score, ii.retrieval_score, ii.pinned, ii.features
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            WHERE i.user_id = ?
            ORDER BY i.ts, i.request_id, ii.position
            """, arguments: [userId])
        var impressions: [Impression] = []
        for row in rows {
            let requestId: String = row["request_id"]
            if impressions.last?.requestId != requestId { impressions.append(try impression(from: row, items: [])) }
            impressions[impressions.count - 1].items.append(item(from: row))
        }
        return impressions
    }

    /// Deletes a user's impressions and their items; returns how many impressions.
    static func eraseImpressions(userId: String, in db: Database) throws -> Int {
        try db.execute(sql: """
            DELETE FROM impression_items WHERE request_id IN (SELECT request_id FROM impressions WHERE user_id = ?)
            """, arguments: [userId])
        try db.execute(sql: "DELETE FROM impressions WHERE user_id = ?", arguments: [userId])
        return db.changesCount
    }

    /// The WHERE clause of a query over `impressions i`.
    static func filter(_ query: ImpressionQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let from = query.from {
            clauses.append("i.ts >= ?")
            arguments.append(from.timeIntervalSince1970)
        }
        if let to = query.to {
            clauses.append("i.ts < ?")
            arguments.append(to.timeIntervalSince1970)
        }
        for (column, value) in [
            ("surface", query.surface), ("experiment", query.experiment), ("variant", query.variant),
            ("ranker", query.ranker), ("model_version", query.modelVersion),
        ] {
            guard let value else { continue }
            clauses.append("i.\(column) = ?")
            arguments.append(value)
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), StatementArguments(arguments))
    }

    static func impression(from row: Row, items: [ImpressionItem]) throws -> Impression {
        let context: String? = row["context"]
        return Impression(
            requestId: row["request_id"], time: Date(timeIntervalSince1970: row["ts"]), userId: row["user_id"],
            surface: row["surface"],
            context: try context.map { try JSONCoding.object(from: $0) } ?? [:],
            experiment: row["experiment"], variant: row["variant"], ranker: row["ranker"],
            modelVersion: row["model_version"], layoutArm: row["layout_arm"], layoutPropensity: row["layout_propensity"],
            layoutSegment: row["layout_segment"], schemaVersion: row["schema_version"], items: items)
    }

    static func item(from row: Row) -> ImpressionItem {
        let features: Data? = row["features"]
        let score: Double = row["score"]
        let retrievalScore: Double = row["retrieval_score"]
        return ImpressionItem(
            itemId: row["item_id"], position: row["position"], score: Float(score), retrievalScore: Float(retrievalScore),
            pinned: row["pinned"], features: features.map(EmbeddingBlob.floats(from:)) ?? [])
    }
}
