import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func upsertItem(_ item: Item) async throws -> Upserted<Item> {
        try await writer.write { db in try Self.upsert(item, in: db) }
    }

    public func upsertItems(_ items: [Item]) async throws -> BatchCounts {
        try await writer.write { db in try Self.upsertEach(items, in: db, with: Self.upsert) }
    }

    public func item(id: String) async throws -> Item? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM items WHERE id = ?", arguments: [id]).map(Self.item(from:))
        }
    }

    public func deleteItem(id: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM items WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func items(after afterId: String?, limit: Int) async throws -> [Item] {
        try await writer.read { db in
            let rows: [Row]
            if let afterId {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterId, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM items ORDER BY id LIMIT ?", arguments: [limit])
            }
            return try rows.map(Self.item(from:))
        }
    }

    static func upsert(_ item: Item, in db: Database) throws -> Upserted<Item> {
        let existingCreatedAt = try Double.fetchOne(
            db, sql: "SELECT created_at FROM items WHERE id = ?", arguments: [item.id])
        var stored = item
        if let existingCreatedAt { stored.createdAt = Date(timeIntervalSince1970: existingCreatedAt) }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO items (id, title, description, type, tags, embedding, attributes, active, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET
                title = excluded.title, description = excluded.description, type = excluded.type,
                tags = excluded.tags, embedding = excluded.embedding, attributes = excluded.attributes,
                active = excluded.active, updated_at = excluded.updated_at
            """)
        try statement.execute(arguments: [
            stored.id, stored.title, stored.description, stored.type,
            try JSONCoding.string(stored.tags),
            stored.embedding.map(EmbeddingBlob.data(from:)),
            try JSONCoding.string(stored.attributes),
            stored.active,
            stored.createdAt.timeIntervalSince1970,
            stored.updatedAt.timeIntervalSince1970,
        ])
        return Upserted(value: stored, created: existingCreatedAt == nil)
    }

    static func item(from row: Row) throws -> Item {
        let embedding: Data? = row["embedding"]
        return Item(
            id: row["id"],
            title: row["title"],
            description: row["description"],
            type: row["type"],
            tags: try JSONCoding.decode([String].self, from: row["tags"]),
            embedding: embedding.map(EmbeddingBlob.floats(from:)),
            attributes: try JSONCoding.decode([String: JSONValue].self, from: row["attributes"]),
            active: row["active"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
    }
}
