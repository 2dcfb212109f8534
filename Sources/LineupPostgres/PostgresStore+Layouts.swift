import Foundation
import LineupCore
import LineupStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func surfaceLayouts() async throws -> [SurfaceLayouts] {
        var frozen: [String: Bool] = [:]
        for row in try await query("SELECT surface, frozen FROM surfaces") {
            let (surface, isFrozen) = try row.decode((String, Bool).self)
            frozen[surface] = isFrozen
        }
        var bySurface: [String: [LayoutArm]] = [:]
        for row in try await query(
            "SELECT surface, id, name, params, retired, created_at, updated_at FROM layout_arms ORDER BY surface, ordinal")
        {
            let (surface, id, name, params, retired, createdAt, updatedAt) = try row.decode(
                (String, String, String, String, Bool, Double, Double).self)
            bySurface[surface, default: []].append(
                LayoutArm(
                    id: id, name: name, params: try JSONCoding.decode([String: JSONValue].self, from: params), retired: retired,
                    createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt)))
        }
        return Set(bySurface.keys).union(frozen.keys).sorted().map { surface in
            SurfaceLayouts(surface: surface, arms: bySurface[surface] ?? [], frozen: frozen[surface] ?? false)
        }
    }

    public func saveSurfaceLayouts(_ layouts: SurfaceLayouts) async throws {
        let params = try layouts.arms.map { try JSONCoding.string($0.params) }
        let arms = layouts.arms
        try await transaction { connection in
            try await connection.query("DELETE FROM layout_arms WHERE surface = \(layouts.surface)", logger: self.logger)
            if !arms.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO layout_arms (surface, id, ordinal, name, params, retired, created_at, updated_at)
                    SELECT \(layouts.surface), id, ordinal - 1, name, params, retired, created_at, updated_at
                    FROM unnest(\(arms.map(\.id))::text[], \(arms.map(\.name))::text[], \(params)::text[],
                        \(arms.map(\.retired))::bool[], \(arms.map(\.createdAt.timeIntervalSince1970))::float8[],
                        \(arms.map(\.updatedAt.timeIntervalSince1970))::float8[])
                        WITH ORDINALITY AS t(id, name, params, retired, created_at, updated_at, ordinal)
                    """, logger: self.logger)
            }
            try await connection.query(
                """
                INSERT INTO surfaces (surface, frozen, updated_at) VALUES (\(layouts.surface), \(layouts.frozen),
                    \(Date().timeIntervalSince1970))
                ON CONFLICT (surface) DO UPDATE SET frozen = excluded.frozen, updated_at = excluded.updated_at
                """, logger: self.logger)
            try await Self.recordChange(.layouts, keys: [layouts.surface], on: connection, logger: self.logger)
        }
    }

    public func armEvidence() async throws -> [ArmEvidence] {
        try await query("SELECT \(unescaped: Self.evidenceColumns) FROM bandit_evidence ORDER BY surface, segment, arm")
            .map(Self.evidence(from:))
    }

    /// Exactly once across replicas: each settler locks the open decisions it takes and
    /// skips those another holds (`FOR UPDATE SKIP LOCKED`), so no decision is settled
    /// twice and none waits for another's; then it takes the evidence lock (an advisory
    /// transaction lock) and reads, updates and writes the evidence under it, so no reward
    /// is lost. `update` may read any row, so the reader serves the whole table, read after
    /// the lock: a few rows per surface, segment and arm.
    public func settleLayouts(
        _ settlement: LayoutSettlement,
        update: @escaping @Sendable (_ settled: [LayoutDecision], _ stored: EvidenceReader) throws -> [ArmEvidence]
    ) async throws -> [LayoutDecision] {
        guard !settlement.requestIds.isEmpty || settlement.closeBefore != nil else { return [] }
        let rewarded = LogSQL.engaged(types: settlement.rewardTypes, window: settlement.window, clockSkew: settlement.clockSkew)
        let columns = "i.request_id, i.ts, i.surface, i.layout_segment, i.layout_arm, i.layout_propensity"
        let open = "i.layout_arm IS NOT NULL AND i.layout_reward IS NULL"
        return try await transaction { connection in
            var settled: [LayoutDecision] = []
            if !settlement.requestIds.isEmpty {
                let rows = try await connection.query(
                    """
                    SELECT \(unescaped: columns), 1 FROM impressions i
                    WHERE i.request_id = ANY(\(settlement.requestIds)::text[]) AND \(unescaped: open) AND \(unescaped: rewarded) = 1
                    FOR UPDATE OF i SKIP LOCKED
                    """, logger: self.logger
                ).collect()
                settled += try rows.map(Self.decision(from:))
            }
            if let closeBefore = settlement.closeBefore {
                let rows = try await connection.query(
                    """
                    SELECT \(unescaped: columns), \(unescaped: rewarded) FROM impressions i
                    WHERE \(unescaped: open) AND i.ts < \(closeBefore.timeIntervalSince1970)
                    ORDER BY i.ts
                    FOR UPDATE OF i SKIP LOCKED
                    """, logger: self.logger
                ).collect()
                let credited = Set(settled.map(\.requestId))
                settled += try rows.map(Self.decision(from:)).filter { !credited.contains($0.requestId) }
            }
            guard !settled.isEmpty else { return [] }
            try await connection.query(
                """
                UPDATE impressions SET layout_reward = t.reward
                FROM unnest(\(settled.map(\.requestId))::text[], \(settled.map { Int64($0.reward ?? 0) })::int8[]) AS t(id, reward)
                WHERE impressions.request_id = t.id
                """, logger: self.logger)
            try await Self.lockEvidence(on: connection, logger: self.logger)
            var stored: [EvidenceKey: ArmEvidence] = [:]
            for row in try await connection.query(
                "SELECT \(unescaped: Self.evidenceColumns) FROM bandit_evidence", logger: self.logger
            ).collect() {
                let evidence = try Self.evidence(from: row)
                stored[EvidenceKey(surface: evidence.surface, segment: evidence.segment, arm: evidence.arm)] = evidence
            }
            let rows = try update(settled) { surface, segment, arm in
                stored[EvidenceKey(surface: surface, segment: segment, arm: arm)]
            }
            guard !rows.isEmpty else { return settled }
            try await connection.query(
                """
                INSERT INTO bandit_evidence (surface, segment, arm, successes, failures, updated_at)
                SELECT * FROM unnest(\(rows.map(\.surface))::text[], \(rows.map(\.segment))::text[], \(rows.map(\.arm))::text[],
                    \(rows.map(\.successes))::float8[], \(rows.map(\.failures))::float8[],
                    \(rows.map(\.updatedAt.timeIntervalSince1970))::float8[])
                ON CONFLICT (surface, segment, arm) DO UPDATE SET successes = excluded.successes,
                    failures = excluded.failures, updated_at = excluded.updated_at
                """, logger: self.logger)
            let surfaces = Set(rows.map(\.surface))
            try await Self.recordChange(
                .evidence, keys: [surfaces.count == 1 ? surfaces.first! : ""], on: connection, logger: self.logger)
            return settled
        }
    }

    public func resetEvidence(surface: String) async throws {
        try await transaction { connection in
            // Under the settlers' lock: a settle that read the rows before the reset must
            // not write them back after it.
            try await Self.lockEvidence(on: connection, logger: self.logger)
            try await connection.query("DELETE FROM bandit_evidence WHERE surface = \(surface)", logger: self.logger)
            try await Self.recordChange(.evidence, keys: [surface], on: connection, logger: self.logger)
        }
    }

    public func scanLayoutDecisions(
        _ query: ImpressionQuery, _ body: @escaping @Sendable (LayoutDecision) throws -> Void
    ) async throws {
        let filter = Filter(query, also: ["i.layout_arm IS NOT NULL"])
        let sql = """
            SELECT i.request_id, i.ts, i.surface, i.layout_segment, i.layout_arm, i.layout_propensity, i.layout_reward
            FROM impressions i
            \(filter.clause)
            ORDER BY i.ts, i.request_id
            """
        try await withConnection { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds), logger: self.logger)
            for try await row in rows { try body(try Self.decision(from: row)) }
        }
    }

    /// The advisory lock key evidence is written under: "lineup" in ASCII, and 2.
    static let evidenceLock: Int64 = 0x6C69_6E65_7570_0002

    /// Takes the evidence lock until the transaction ends.
    private static func lockEvidence(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(evidenceLock))", logger: logger)
    }

    private static let evidenceColumns = "surface, segment, arm, successes, failures, updated_at"

    private static func evidence(from row: PostgresRow) throws -> ArmEvidence {
        let (surface, segment, arm, successes, failures, updatedAt) = try row.decode(
            (String, String, String, Double, Double, Double).self)
        return ArmEvidence(
            surface: surface, segment: segment, arm: arm, successes: successes, failures: failures,
            updatedAt: Date(timeIntervalSince1970: updatedAt))
    }

    private static func decision(from row: PostgresRow) throws -> LayoutDecision {
        let (requestId, ts, surface, segment, arm, propensity, reward) = try row.decode(
            (String, Double, String, String?, String, Double?, Int32?).self)
        return LayoutDecision(
            requestId: requestId, time: Date(timeIntervalSince1970: ts), surface: surface, segment: segment ?? "", arm: arm,
            propensity: propensity ?? 1, reward: reward.map(Int.init))
    }
}

private struct EvidenceKey: Hashable {
    var surface: String
    var segment: String
    var arm: String
}
