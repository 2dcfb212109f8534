import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func surfaceLayouts() async throws -> [SurfaceLayouts] {
        try await writer.read { db in
            let frozen = Dictionary(
                try Row.fetchAll(db, sql: "SELECT surface, frozen FROM surfaces").map { ($0["surface"] as String, $0["frozen"] as Bool) },
                uniquingKeysWith: { first, _ in first })
            var bySurface: [String: [LayoutArm]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM layout_arms ORDER BY surface, ordinal") {
                let params: String = row["params"]
                bySurface[row["surface"], default: []].append(
                    LayoutArm(
                        id: row["id"], name: row["name"], params: try JSONCoding.decode([String: JSONValue].self, from: params),
                        retired: row["retired"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                        updatedAt: Date(timeIntervalSince1970: row["updated_at"])))
            }
            return Set(bySurface.keys).union(frozen.keys).sorted().map { surface in
                SurfaceLayouts(surface: surface, arms: bySurface[surface] ?? [], frozen: frozen[surface] ?? false)
            }
        }
    }

    public func saveSurfaceLayouts(_ layouts: SurfaceLayouts) async throws {
        let params = try layouts.arms.map { try JSONCoding.string($0.params) }
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM layout_arms WHERE surface = ?", arguments: [layouts.surface])
            for (ordinal, arm) in layouts.arms.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO layout_arms (surface, id, ordinal, name, params, retired, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        layouts.surface, arm.id, ordinal, arm.name, params[ordinal], arm.retired,
                        arm.createdAt.timeIntervalSince1970, arm.updatedAt.timeIntervalSince1970,
                    ])
            }
            try db.execute(
                sql: """
                    INSERT INTO surfaces (surface, frozen, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(surface) DO UPDATE SET frozen = excluded.frozen, updated_at = excluded.updated_at
                    """,
                arguments: [layouts.surface, layouts.frozen, Date().timeIntervalSince1970])
        }
    }

    public func armEvidence() async throws -> [ArmEvidence] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bandit_evidence ORDER BY surface, segment, arm").map(Self.evidence(from:))
        }
    }

    public func settleLayouts(
        _ settlement: LayoutSettlement,
        update: @escaping @Sendable (_ settled: [LayoutDecision], _ stored: EvidenceReader) throws -> [ArmEvidence]
    ) async throws -> [LayoutDecision] {
        guard !settlement.requestIds.isEmpty || settlement.closeBefore != nil else { return [] }
        let rewarded = LogSQL.engaged(
            types: settlement.rewardTypes, window: settlement.window, clockSkew: settlement.clockSkew)
        let columns = "i.request_id, i.ts, i.surface, i.layout_segment, i.layout_arm, i.layout_propensity"
        return try await writer.write { db in
            var settled: [LayoutDecision] = []
            for start in stride(from: 0, to: settlement.requestIds.count, by: 500) {
                let ids = Array(settlement.requestIds[start..<min(settlement.requestIds.count, start + 500)])
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(columns), 1 AS reward FROM impressions i
                        WHERE i.request_id IN (\(databaseQuestionMarks(count: ids.count)))
                            AND i.layout_arm IS NOT NULL AND i.layout_reward IS NULL AND \(rewarded) = 1
                        """,
                    arguments: StatementArguments(ids))
                settled += rows.map(Self.decision(from:))
            }
            if let closeBefore = settlement.closeBefore {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(columns), \(rewarded) AS reward FROM impressions i
                        WHERE i.layout_arm IS NOT NULL AND i.layout_reward IS NULL AND i.ts < ?
                        ORDER BY i.ts
                        """,
                    arguments: [closeBefore.timeIntervalSince1970])
                let credited = Set(settled.map(\.requestId))
                settled += rows.map(Self.decision(from:)).filter { !credited.contains($0.requestId) }
            }
            guard !settled.isEmpty else { return [] }
            let mark = try db.cachedStatement(sql: "UPDATE impressions SET layout_reward = ? WHERE request_id = ?")
            for decision in settled { try mark.execute(arguments: [decision.reward, decision.requestId]) }
            // The evidence is read, updated and written in this transaction: concurrent
            // settlers queue on the writer, so no reward is lost or counted twice.
            let read = try db.cachedStatement(sql: "SELECT * FROM bandit_evidence WHERE surface = ? AND segment = ? AND arm = ?")
            let rows = try update(settled) { surface, segment, arm in
                try Row.fetchOne(read, arguments: [surface, segment, arm]).map(Self.evidence(from:))
            }
            let write = try db.cachedStatement(
                sql: """
                    INSERT INTO bandit_evidence (surface, segment, arm, successes, failures, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(surface, segment, arm) DO UPDATE SET successes = excluded.successes,
                        failures = excluded.failures, updated_at = excluded.updated_at
                    """)
            for row in rows {
                try write.execute(arguments: [
                    row.surface, row.segment, row.arm, row.successes, row.failures, row.updatedAt.timeIntervalSince1970,
                ])
            }
            return settled
        }
    }

    public func resetEvidence(surface: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM bandit_evidence WHERE surface = ?", arguments: [surface])
        }
    }

    public func scanLayoutDecisions(
        _ query: ImpressionQuery, _ body: @escaping @Sendable (LayoutDecision) throws -> Void
    ) async throws {
        let (filter, arguments) = Self.filter(query)
        let sql = """
            SELECT i.request_id, i.ts, i.surface, i.layout_segment, i.layout_arm, i.layout_propensity,
                i.layout_reward AS reward
            FROM impressions i
            \(filter.isEmpty ? "WHERE" : filter + " AND") i.layout_arm IS NOT NULL
            ORDER BY i.ts, i.request_id
            """
        try await scanning { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() { try body(Self.decision(from: row)) }
        }
    }

    private static func decision(from row: Row) -> LayoutDecision {
        LayoutDecision(
            requestId: row["request_id"], time: Date(timeIntervalSince1970: row["ts"]), surface: row["surface"],
            segment: row["layout_segment"] ?? "", arm: row["layout_arm"], propensity: row["layout_propensity"] ?? 1,
            reward: row["reward"])
    }

    private static func evidence(from row: Row) -> ArmEvidence {
        ArmEvidence(
            surface: row["surface"], segment: row["segment"], arm: row["arm"], successes: row["successes"],
            failures: row["failures"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
