import Foundation
import GRDB

extension SQLiteStore {
    /// Rows per table, by a full count of each: what `lineup migrate-store` checks a copy
    /// by. Too slow for `/metrics` on a large log; `statistics()` is what it reads.
    public func rowCounts() async throws -> [String: Int] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for table in Self.countedTables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// The tables a copy of the store carries.
    public static let countedTables = [
        "items", "users", "events", "impressions", "impression_items", "layout_arms", "surfaces", "bandit_evidence",
        "experiments", "experiment_exposures",
    ]
}

extension SQLiteStore {
    /// The times of the first and the last impression, nil when none: how a copy walks the
    /// log a day at a time.
    public func impressionSpan() async throws -> ClosedRange<Date>? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(ts) AS first, MAX(ts) AS last FROM impressions"),
                let first = row["first"] as Double?, let last = row["last"] as Double?
            else { return nil }
            return Date(timeIntervalSince1970: first)...Date(timeIntervalSince1970: last)
        }
    }
}
