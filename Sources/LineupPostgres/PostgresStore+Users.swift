import Foundation
import LineupCore
import LineupStore
import PostgresNIO

extension PostgresStore {
    public func upsertUser(_ user: User) async throws -> Upserted<User> {
        try await upserting(user, kind: .user, key: user.id) { user, connection in try await self.upsert(user, on: connection) }
    }

    public func upsertUsers(_ users: [User]) async throws -> BatchCounts {
        try await upserting(users, kind: .user, key: \.id) { user, connection in try await self.upsert(user, on: connection) }
    }

    public func user(id: String) async throws -> User? {
        try await query("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)").first.map(Self.user(from:))
    }

    public func users(after afterId: String?, limit: Int) async throws -> [User] {
        try await query(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE id > \(afterId ?? "") ORDER BY id LIMIT \(Int64(limit))"
        ).map(Self.user(from:))
    }

    public func eraseUser(id: String) async throws -> UserErasure {
        try await transaction { connection in
            // The log's counter row first, as inserters take it: erasure and ingestion queue
            // on the same lock, so the row count stays exact.
            try await connection.query("SELECT 1 FROM event_log WHERE id = 1 FOR UPDATE", logger: self.logger)
            let profileDeleted = try await connection.query(
                "DELETE FROM users WHERE id = \(id) RETURNING id", logger: self.logger
            ).collect().count > 0
            let eventsDeleted = try await connection.query(
                "DELETE FROM events WHERE user_id = \(id) RETURNING seq", logger: self.logger
            ).collect().count
            try await connection.query(
                "UPDATE event_log SET rows = rows - \(Int64(eventsDeleted)) WHERE id = 1", logger: self.logger)
            try await connection.query("DELETE FROM experiment_exposures WHERE user_id = \(id)", logger: self.logger)
            try await connection.query(
                "DELETE FROM impression_items WHERE request_id IN (SELECT request_id FROM impressions WHERE user_id = \(id))",
                logger: self.logger)
            let impressionsDeleted = try await connection.query(
                "DELETE FROM impressions WHERE user_id = \(id) RETURNING request_id", logger: self.logger
            ).collect().count
            try await Self.recordChange(.user, keys: [id], on: connection, logger: self.logger)
            return UserErasure(
                userId: id, profileDeleted: profileDeleted, eventsDeleted: eventsDeleted, impressionsDeleted: impressionsDeleted)
        }
    }

    public func exportUser(id: String) async throws -> UserExport {
        // One snapshot for the three reads, so the export is of one moment.
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            let profile = try await connection.query(
                "SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", logger: self.logger
            ).collect().first.map(Self.user(from:))
            let events = try await connection.query(Self.eventsQuery(userId: id), logger: self.logger).collect().map { row in
                var cells = row.makeIterator()
                return try Self.event(from: &cells)
            }
            let impressions = try await Self.impressions(userId: id, on: connection, logger: self.logger)
            return UserExport(userId: id, profile: profile, events: events, impressions: impressions)
        }
    }

    func upsert(_ user: User, on connection: PostgresConnection) async throws -> Upserted<User> {
        let attributes = try JSONCoding.string(user.attributes)
        let rows = try await connection.query(
            """
            INSERT INTO users (id, role, team, timezone, attributes, personalization, created_at, updated_at)
            VALUES (\(user.id), \(user.role), \(user.team), \(user.timezone), \(attributes), \(user.personalization),
                \(user.createdAt.timeIntervalSince1970), \(user.updatedAt.timeIntervalSince1970))
            ON CONFLICT (id) DO UPDATE SET
                role = excluded.role, team = excluded.team, timezone = excluded.timezone,
                attributes = excluded.attributes, personalization = excluded.personalization,
                updated_at = excluded.updated_at
            RETURNING created_at, (xmax = 0)
            """, logger: logger
        ).collect()
        guard let row = rows.first else { throw PostgresStoreError.corrupt("upsert of user \(user.id) returned no row") }
        let (createdAt, created) = try row.decode((Double, Bool).self)
        var stored = user
        stored.createdAt = Date(timeIntervalSince1970: createdAt)
        return Upserted(value: stored, created: created)
    }

    static let userColumns = "id, role, team, timezone, attributes, personalization, created_at, updated_at"

    static func user(from row: PostgresRow) throws -> User {
        let (id, role, team, timezone, attributes, personalization, createdAt, updatedAt) = try row.decode(
            (String, String?, String?, String, String, Bool, Double, Double).self)
        return User(
            id: id, role: role, team: team, timezone: timezone,
            attributes: try JSONCoding.decode([String: JSONValue].self, from: attributes), personalization: personalization,
            createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}
