import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func upsertUser(_ user: User) async throws -> Upserted<User> {
        try await writer.write { db in try Self.upsert(user, in: db) }
    }

    public func upsertUsers(_ users: [User]) async throws -> BatchCounts {
        try await writer.write { db in try Self.upsertEach(users, in: db, with: Self.upsert) }
    }

    static func upsert(_ user: User, in db: Database) throws -> Upserted<User> {
        let existingCreatedAt = try Double.fetchOne(
            db, sql: "SELECT created_at FROM users WHERE id = ?", arguments: [user.id])
        var stored = user
        if let existingCreatedAt { stored.createdAt = Date(timeIntervalSince1970: existingCreatedAt) }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO users (id, role, team, timezone, attributes, personalization, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                role = excluded.role, team = excluded.team, timezone = excluded.timezone,
                attributes = excluded.attributes, personalization = excluded.personalization,
                updated_at = excluded.updated_at
            """)
        try statement.execute(arguments: [
            stored.id, stored.role, stored.team, stored.timezone,
            try JSONCoding.string(stored.attributes), stored.personalization,
            stored.createdAt.timeIntervalSince1970, stored.updatedAt.timeIntervalSince1970,
        ])
        return Upserted(value: stored, created: existingCreatedAt == nil)
    }

    public func user(id: String) async throws -> User? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(Self.user(from:))
        }
    }

    public func users(after afterId: String?, limit: Int) async throws -> [User] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterId ?? "", limit]
            ).map(Self.user(from:))
        }
    }

    public func eraseUser(id: String) async throws -> UserErasure {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
            let profileDeleted = db.changesCount > 0
            try db.execute(sql: "DELETE FROM events WHERE user_id = ?", arguments: [id])
            let eventsDeleted = db.changesCount
            try db.execute(sql: "UPDATE event_log SET rows = rows - ?", arguments: [eventsDeleted])
            try db.execute(sql: "DELETE FROM experiment_exposures WHERE user_id = ?", arguments: [id])
            return UserErasure(
                userId: id, profileDeleted: profileDeleted, eventsDeleted: eventsDeleted,
                impressionsDeleted: try Self.eraseImpressions(userId: id, in: db))
        }
    }

    public func exportUser(id: String) async throws -> UserExport {
        try await writer.read { db in
            let profile = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id])
                .map(Self.user(from:))
            return UserExport(
                userId: id, profile: profile, events: try Self.events(userId: id, in: db),
                impressions: try Self.impressions(userId: id, in: db))
        }
    }

    static func user(from row: Row) throws -> User {
        User(
            id: row["id"],
            role: row["role"],
            team: row["team"],
            timezone: row["timezone"],
            attributes: try JSONCoding.decode([String: JSONValue].self, from: row["attributes"]),
            personalization: row["personalization"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
    }
}
