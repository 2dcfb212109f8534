import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func experiments() async throws -> [Experiment] {
        try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM experiments ORDER BY created_at, id").map {
                try JSONCoding.decode(Experiment.self, from: $0)
            }
        }
    }

    public func saveExperiment(_ experiment: Experiment) async throws {
        try await writer.write { db in
            var stored = experiment
            if let createdAt = try Double.fetchOne(db, sql: "SELECT created_at FROM experiments WHERE id = ?", arguments: [experiment.id]) {
                stored.createdAt = Date(timeIntervalSince1970: createdAt)
            }
            try db.execute(
                sql: """
                    INSERT INTO experiments (id, definition, created_at, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
                    """,
                arguments: [
                    stored.id, try JSONCoding.string(stored), stored.createdAt.timeIntervalSince1970,
                    stored.updatedAt.timeIntervalSince1970,
                ])
        }
    }

    public func exposures(experiment: String) async throws -> [String: Int] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT variant, COUNT(*) AS users FROM experiment_exposures WHERE experiment = ? GROUP BY variant",
                arguments: [experiment])
            {
                counts[row["variant"]] = row["users"]
            }
            return counts
        }
    }

    public func experimentUnits(
        experiment: String, engagementTypes: Set<EventType>, window: TimeInterval, clockSkew: TimeInterval
    ) async throws -> [ExperimentUnit] {
        func engaged(item: Bool) -> String {
            LogSQL.engaged(types: engagementTypes, window: window, clockSkew: clockSkew, item: item)
        }
        let sql = """
            SELECT i.variant, i.user_id, COUNT(*) AS requests, SUM(\(engaged(item: false))) AS engaged,
                SUM((SELECT COUNT(*) FROM impression_items ii WHERE ii.request_id = i.request_id
                    AND \(engaged(item: true)) = 1)) AS widgets
            FROM impressions i WHERE i.experiment = ? AND i.variant IS NOT NULL
            GROUP BY i.variant, i.user_id ORDER BY i.variant, i.user_id
            """
        return try await scanning { db in
            try Row.fetchAll(
                db,
                sql: sql,
                arguments: [experiment]
            ).map { row in
                ExperimentUnit(
                    variant: row["variant"], userId: row["user_id"], requests: row["requests"], engagedRequests: row["engaged"],
                    engagedWidgets: row["widgets"])
            }
        }
    }
}
