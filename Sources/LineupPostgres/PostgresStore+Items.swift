import Foundation
import LineupCore
import LineupStore
import NIOCore
import PostgresNIO

extension PostgresStore {
    public func upsertItem(_ item: Item) async throws -> Upserted<Item> {
        try await upserting(item, kind: .item, key: item.id) { item, connection in try await self.upsert(item, on: connection) }
    }

    public func upsertItems(_ items: [Item]) async throws -> BatchCounts {
        try await upserting(items, kind: .item, key: \.id) { item, connection in try await self.upsert(item, on: connection) }
    }

    public func item(id: String) async throws -> Item? {
        try await query("SELECT \(unescaped: Self.itemColumns) FROM items WHERE id = \(id)").first.map(Self.item(from:))
    }

    public func deleteItem(id: String) async throws -> Bool {
        try await transaction { connection in
            let deleted = try await connection.query("DELETE FROM items WHERE id = \(id) RETURNING id", logger: self.logger)
                .collect().count > 0
            if deleted { try await Self.recordChange(.item, keys: [id], on: connection, logger: self.logger) }
            return deleted
        }
    }

    public func items(after afterId: String?, limit: Int) async throws -> [Item] {
        let rows: [PostgresRow]
        if let afterId {
            rows = try await query(
                "SELECT \(unescaped: Self.itemColumns) FROM items WHERE id > \(afterId) ORDER BY id LIMIT \(Int64(limit))")
        } else {
            rows = try await query("SELECT \(unescaped: Self.itemColumns) FROM items ORDER BY id LIMIT \(Int64(limit))")
        }
        return try rows.map(Self.item(from:))
    }

    /// Inserts or replaces one item, keeping the stored `createdAt`: `xmax = 0` tells a row
    /// just inserted from one updated.
    func upsert(_ item: Item, on connection: PostgresConnection) async throws -> Upserted<Item> {
        let tags = try JSONCoding.string(item.tags)
        let attributes = try JSONCoding.string(item.attributes)
        let embedding = item.embedding.map { ByteBuffer(data: EmbeddingBlob.data(from: $0)) }
        let rows = try await connection.query(
            """
            INSERT INTO items (id, title, description, type, tags, embedding, attributes, active, created_at, updated_at)
            VALUES (\(item.id), \(item.title), \(item.description), \(item.type), \(tags), \(embedding), \(attributes),
                \(item.active), \(item.createdAt.timeIntervalSince1970), \(item.updatedAt.timeIntervalSince1970))
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, description = excluded.description, type = excluded.type,
                tags = excluded.tags, embedding = excluded.embedding, attributes = excluded.attributes,
                active = excluded.active, updated_at = excluded.updated_at
            RETURNING created_at, (xmax = 0)
            """, logger: logger
        ).collect()
        guard let row = rows.first else { throw PostgresStoreError.corrupt("upsert of item \(item.id) returned no row") }
        let (createdAt, created) = try row.decode((Double, Bool).self)
        var stored = item
        stored.createdAt = Date(timeIntervalSince1970: createdAt)
        return Upserted(value: stored, created: created)
    }

    static let itemColumns = "id, title, description, type, tags, embedding, attributes, active, created_at, updated_at"

    static func item(from row: PostgresRow) throws -> Item {
        let (id, title, description, type, tags, embedding, attributes, active, createdAt, updatedAt) = try row.decode(
            (String, String, String, String, String, ByteBuffer?, String, Bool, Double, Double).self)
        return Item(
            id: id, title: title, description: description, type: type,
            tags: try JSONCoding.decode([String].self, from: tags),
            embedding: embedding.map { EmbeddingBlob.floats(from: Data(buffer: $0)) },
            attributes: try JSONCoding.decode([String: JSONValue].self, from: attributes),
            active: active, createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt))
    }
}
