import Foundation
import LineupStore
import NIOCore
import PostgresNIO

/// What copying a store into this one needs beyond the `Store` protocols (which never let
/// a caller set a reward or an evidence row directly): `lineup migrate-store` uses them.
extension PostgresStore {
    /// Sets the rewards of logged layout decisions as another store settled them.
    public func importRewards(_ decisions: [LayoutDecision]) async throws {
        let settled = decisions.filter { $0.reward != nil }
        guard !settled.isEmpty else { return }
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE impressions SET layout_reward = t.reward
                FROM unnest(\(settled.map(\.requestId))::text[], \(settled.map { Int64($0.reward!) })::int8[]) AS t(id, reward)
                WHERE impressions.request_id = t.id
                """, logger: self.logger)
        }
    }

    /// Replaces the bandit's evidence with `rows`, under the settlers' lock.
    public func importEvidence(_ rows: [ArmEvidence]) async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.evidenceLock))", logger: self.logger)
            try await connection.query("DELETE FROM bandit_evidence", logger: self.logger)
            if !rows.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO bandit_evidence (surface, segment, arm, successes, failures, updated_at)
                    SELECT * FROM unnest(\(rows.map(\.surface))::text[], \(rows.map(\.segment))::text[],
                        \(rows.map(\.arm))::text[], \(rows.map(\.successes))::float8[], \(rows.map(\.failures))::float8[],
                        \(rows.map(\.updatedAt.timeIntervalSince1970))::float8[])
                    """, logger: self.logger)
            }
            try await Self.recordChange(.evidence, keys: [""], on: connection, logger: self.logger)
        }
    }

    /// Rows per table, by a full count of each (see `SQLiteStore.rowCounts`).
    public func rowCounts(_ tables: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables where table.allSatisfy({ $0.isLetter || $0 == "_" }) {
            counts[table] = Int(try await query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)")).first?.decode(Int64.self) ?? 0)
        }
        return counts
    }
}
