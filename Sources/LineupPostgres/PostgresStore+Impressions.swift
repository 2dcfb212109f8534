import Foundation
import LineupCore
import LineupStore
import Logging
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Three statements per batch, whatever its size: the headers (a request id already
    /// logged is skipped), the exposures of the new ones, and their shown widgets.
    public func insertImpressions(_ impressions: [Impression]) async throws {
        guard !impressions.isEmpty else { return }
        var headers = PostgresBindings(capacity: 14)
        headers.append(impressions.map(\.requestId))
        headers.append(impressions.map(\.time.timeIntervalSince1970))
        headers.append(impressions.map(\.userId))
        headers.append(impressions.map(\.surface))
        headers.append(ArrayLiteral.text(impressions.map { $0.context.isEmpty ? nil : JSONCoding.string($0.context) }))
        headers.append(ArrayLiteral.text(impressions.map(\.experiment)))
        headers.append(ArrayLiteral.text(impressions.map(\.variant)))
        headers.append(impressions.map(\.ranker))
        headers.append(ArrayLiteral.text(impressions.map(\.modelVersion)))
        headers.append(ArrayLiteral.text(impressions.map(\.layoutArm)))
        headers.append(ArrayLiteral.double(impressions.map(\.layoutPropensity)))
        headers.append(ArrayLiteral.text(impressions.map(\.layoutSegment)))
        headers.append(impressions.map { Int64($0.schemaVersion) })
        let insertHeaders = PostgresQuery(
            unsafeSQL: """
                INSERT INTO impressions (request_id, ts, user_id, surface, context, experiment, variant, ranker,
                    model_version, layout_arm, layout_propensity, layout_segment, schema_version)
                SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                    $8::text[], $9::text[], $10::text[], $11::float8[], $12::text[], $13::int8[])
                ON CONFLICT (request_id) DO NOTHING
                RETURNING request_id
                """,
            binds: headers)
        try await transaction { connection in
            var fresh = Set<String>()
            for try await id in try await connection.query(insertHeaders, logger: self.logger).decode(String.self) {
                fresh.insert(id)
            }
            guard !fresh.isEmpty else { return }
            // A request id repeated within the batch is logged once, as its first copy.
            var seen = Set<String>()
            let logged = impressions.filter { fresh.contains($0.requestId) && seen.insert($0.requestId).inserted }
            let exposed = logged.filter { $0.experiment != nil && $0.variant != nil }
            if !exposed.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO experiment_exposures (experiment, user_id, variant, first_seen)
                    SELECT * FROM unnest(\(exposed.map { $0.experiment! })::text[], \(exposed.map(\.userId))::text[],
                        \(exposed.map { $0.variant! })::text[], \(exposed.map(\.time.timeIntervalSince1970))::float8[])
                    ON CONFLICT (experiment, user_id) DO NOTHING
                    """, logger: self.logger)
            }
            let rows = logged.flatMap { impression in impression.items.map { (impression.requestId, $0) } }
            guard !rows.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO impression_items (request_id, position, item_id, score, retrieval_score, pinned, features)
                SELECT request_id, position, item_id, score, retrieval_score, pinned, NULLIF(features, ''::bytea)
                FROM unnest(\(rows.map(\.0))::text[], \(rows.map { Int64($0.1.position) })::int8[],
                    \(rows.map(\.1.itemId))::text[], \(rows.map(\.1.score))::float4[], \(rows.map(\.1.retrievalScore))::float4[],
                    \(rows.map(\.1.pinned))::bool[],
                    \(rows.map { ByteBuffer(data: EmbeddingBlob.data(from: $0.1.features)) })::bytea[])
                    AS t(request_id, position, item_id, score, retrieval_score, pinned, features)
                """, logger: self.logger)
        }
    }

    public func scanImpressions(
        _ query: ImpressionQuery, labels: LabelPolicy, features: Bool,
        _ body: @escaping @Sendable (LabeledImpression) throws -> Void
    ) async throws {
        let filter = Filter(query)
        let sql = """
            SELECT \(Self.impressionColumns), ii.position, ii.item_id, ii.score, ii.retrieval_score, ii.pinned,
                \(features ? "ii.features" : "NULL::bytea"), \(LogSQL.label(labels))
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            \(filter.clause)
            ORDER BY i.ts, i.request_id, ii.position
            """
        try await withConnection { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds), logger: self.logger)
            var gathering = LabeledImpression.Gathering()
            for try await row in rows {
                var cells = row.makeIterator()
                let impression = try Self.impression(from: &cells)
                let item = try Self.impressionItem(from: &cells)
                let label = Int(try cells.next()!.decode(Int32.self))
                try gathering.add(requestId: impression.requestId, item: item, label: label, impression: { impression }, to: body)
            }
            try gathering.finish(body)
        }
    }

    public func scanScores(
        _ query: ImpressionQuery, labels: LabelPolicy, withFeatures: Bool, rescore: (@Sendable ([Float]) -> Float)?,
        _ body: @escaping @Sendable (LoggedScore) throws -> Void
    ) async throws {
        let filter = Filter(query, also: withFeatures || rescore != nil ? ["ii.features IS NOT NULL"] : [])
        let from = """
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            \(filter.clause)
            """
        guard let rescore else {
            // The server sorts, spilling to disk past work_mem: constant memory here.
            let sql = "SELECT ii.score, \(LogSQL.label(labels)), i.ts, i.ranker, i.variant \(from) ORDER BY ii.score"
            return try await withConnection { connection in
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds), logger: self.logger)
                for try await row in rows { try body(try Self.loggedScore(from: row)) }
            }
        }
        // The scores are Swift's, so the server cannot sort by them as SQLite does with a
        // function: they go into a temporary table on a second connection, in batches, and
        // come back sorted from there; memory holds one batch.
        let source = "SELECT ii.features, \(LogSQL.label(labels)), i.ts, i.ranker, i.variant \(from)"
        try await withConnection { sorter in
            try await sorter.query("BEGIN", logger: self.logger)
            do {
                try await sorter.query(
                    """
                    CREATE TEMPORARY TABLE rescored (score REAL, label INTEGER, ts DOUBLE PRECISION, ranker TEXT, variant TEXT)
                    ON COMMIT DROP
                    """, logger: self.logger)
                try await self.withConnection { reader in
                    let rows = try await reader.query(PostgresQuery(unsafeSQL: source, binds: filter.binds), logger: self.logger)
                    var batch = RescoredBatch()
                    for try await row in rows {
                        let (features, label, ts, ranker, variant) = try row.decode((ByteBuffer, Int32, Double, String, String?).self)
                        batch.append(rescore(EmbeddingBlob.floats(from: Data(buffer: features))), label, ts, ranker, variant)
                        if batch.count == 10_000 { try await batch.flush(to: sorter, logger: self.logger) }
                    }
                    try await batch.flush(to: sorter, logger: self.logger)
                }
                let rows = try await sorter.query(
                    "SELECT score, label, ts, ranker, variant FROM rescored ORDER BY score", logger: self.logger)
                for try await row in rows { try body(try Self.loggedScore(from: row)) }
                try await sorter.query("COMMIT", logger: self.logger)
            } catch {
                _ = try? await sorter.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    public func impressions(userId: String) async throws -> [Impression] {
        try await withConnection { connection in try await Self.impressions(userId: userId, on: connection, logger: self.logger) }
    }

    static func impressions(userId: String, on connection: PostgresConnection, logger: Logger) async throws -> [Impression] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: impressionColumns), ii.position, ii.item_id, ii.score, ii.retrieval_score, ii.pinned, ii.features
            FROM impressions i JOIN impression_items ii ON ii.request_id = i.request_id
            WHERE i.user_id = \(userId)
            ORDER BY i.ts, i.request_id, ii.position
            """, logger: logger)
        var impressions: [Impression] = []
        for try await row in rows {
            var cells = row.makeIterator()
            let impression = try Self.impression(from: &cells)
            if impressions.last?.requestId != impression.requestId { impressions.append(impression) }
            impressions[impressions.count - 1].items.append(try impressionItem(from: &cells))
        }
        return impressions
    }

    static let impressionColumns = """
        i.request_id, i.ts, i.user_id, i.surface, i.context, i.experiment, i.variant, i.ranker, i.model_version,
        i.layout_arm, i.layout_propensity, i.layout_segment, i.schema_version
        """

    /// Reads the `impressionColumns` from `cells`, with no items yet.
    static func impression(from cells: inout PostgresRow.Iterator) throws -> Impression {
        let requestId = try cells.next()!.decode(String.self)
        let ts = try cells.next()!.decode(Double.self)
        let userId = try cells.next()!.decode(String.self)
        let surface = try cells.next()!.decode(String.self)
        let context = try cells.next()!.decode(String?.self)
        let experiment = try cells.next()!.decode(String?.self)
        let variant = try cells.next()!.decode(String?.self)
        let ranker = try cells.next()!.decode(String.self)
        let modelVersion = try cells.next()!.decode(String?.self)
        let layoutArm = try cells.next()!.decode(String?.self)
        let layoutPropensity = try cells.next()!.decode(Double?.self)
        let layoutSegment = try cells.next()!.decode(String?.self)
        let schemaVersion = try cells.next()!.decode(Int32.self)
        return Impression(
            requestId: requestId, time: Date(timeIntervalSince1970: ts), userId: userId, surface: surface,
            context: try context.map { try JSONCoding.object(from: $0) } ?? [:],
            experiment: experiment, variant: variant, ranker: ranker, modelVersion: modelVersion, layoutArm: layoutArm,
            layoutPropensity: layoutPropensity, layoutSegment: layoutSegment, schemaVersion: Int(schemaVersion), items: [])
    }

    /// Reads position, item id, score, retrieval score, pinned and features from `cells`.
    static func impressionItem(from cells: inout PostgresRow.Iterator) throws -> ImpressionItem {
        let position = try cells.next()!.decode(Int32.self)
        let itemId = try cells.next()!.decode(String.self)
        let score = try cells.next()!.decode(Float.self)
        let retrievalScore = try cells.next()!.decode(Float.self)
        let pinned = try cells.next()!.decode(Bool.self)
        let features = try cells.next()!.decode(ByteBuffer?.self)
        return ImpressionItem(
            itemId: itemId, position: Int(position), score: score, retrievalScore: retrievalScore, pinned: pinned,
            features: features.map { EmbeddingBlob.floats(from: Data(buffer: $0)) } ?? [])
    }

    static func loggedScore(from row: PostgresRow) throws -> LoggedScore {
        let (score, label, ts, ranker, variant) = try row.decode((Float, Int32, Double, String, String?).self)
        return LoggedScore(
            score: score, label: max(0, Int(label)), time: Date(timeIntervalSince1970: ts), ranker: ranker, variant: variant)
    }
}

/// Rescored rows on their way into the temporary table `scanScores` sorts.
private struct RescoredBatch {
    var scores: [Float] = []
    var labels: [Int32] = []
    var times: [Double] = []
    var rankers: [String] = []
    var variants: [String?] = []

    var count: Int { scores.count }

    mutating func append(_ score: Float, _ label: Int32, _ time: Double, _ ranker: String, _ variant: String?) {
        scores.append(score)
        labels.append(label)
        times.append(time)
        rankers.append(ranker)
        variants.append(variant)
    }

    mutating func flush(to connection: PostgresConnection, logger: Logger) async throws {
        guard count > 0 else { return }
        try await connection.query(
            """
            INSERT INTO rescored SELECT * FROM unnest(\(scores)::float4[], \(labels)::int4[], \(times)::float8[],
                \(rankers)::text[], \(ArrayLiteral.text(variants))::text[])
            """, logger: logger)
        self = RescoredBatch()
    }
}
