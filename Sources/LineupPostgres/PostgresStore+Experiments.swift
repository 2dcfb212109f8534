import Foundation
import LineupCore
import LineupStore
import PostgresNIO

extension PostgresStore {
    public func experiments() async throws -> [Experiment] {
        try await query("SELECT definition FROM experiments ORDER BY created_at, id").map { row in
            try JSONCoding.decode(Experiment.self, from: try row.decode(String.self))
        }
    }

    public func saveExperiment(_ experiment: Experiment) async throws {
        try await transaction { connection in
            var stored = experiment
            // Lock the row (when there is one) so a concurrent save keeps the same createdAt.
            if let row = try await connection.query(
                "SELECT created_at FROM experiments WHERE id = \(experiment.id) FOR UPDATE", logger: self.logger
            ).collect().first {
                stored.createdAt = Date(timeIntervalSince1970: try row.decode(Double.self))
            }
            try await connection.query(
                """
                INSERT INTO experiments (id, definition, created_at, updated_at)
                VALUES (\(stored.id), \(try JSONCoding.string(stored)), \(stored.createdAt.timeIntervalSince1970),
                    \(stored.updatedAt.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
                """, logger: self.logger)
            try await Self.recordChange(.experiment, keys: [stored.id], on: connection, logger: self.logger)
        }
    }

    public func exposures(experiment: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await query(
            "SELECT variant, COUNT(*) FROM experiment_exposures WHERE experiment = \(experiment) GROUP BY variant")
        {
            let (variant, users) = try row.decode((String, Int64).self)
            counts[variant] = Int(users)
        }
        return counts
    }

    public func experimentUnits(
        experiment: String, engagementTypes: Set<EventType>, window: TimeInterval, clockSkew: TimeInterval
    ) async throws -> [ExperimentUnit] {
        func engaged(item: Bool) -> String {
            LogSQL.engaged(types: engagementTypes, window: window, clockSkew: clockSkew, item: item)
        }
        return try await query(
            """
            SELECT i.variant, i.user_id, COUNT(*), SUM(\(unescaped: engaged(item: false)))::int8,
                SUM((SELECT COUNT(*) FROM impression_items ii WHERE ii.request_id = i.request_id
                    AND \(unescaped: engaged(item: true)) = 1))::int8
            FROM impressions i WHERE i.experiment = \(experiment) AND i.variant IS NOT NULL
            GROUP BY i.variant, i.user_id ORDER BY i.variant, i.user_id
            """
        ).map { row in
            let (variant, userId, requests, engaged, widgets) = try row.decode((String, String, Int64, Int64, Int64).self)
            return ExperimentUnit(
                variant: variant, userId: userId, requests: Int(requests), engagedRequests: Int(engaged),
                engagedWidgets: Int(widgets))
        }
    }
}
