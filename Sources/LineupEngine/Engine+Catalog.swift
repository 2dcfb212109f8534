import Foundation
import LineupCore
import LineupStore

extension Engine {
    /// Creates or replaces the item `id`. A body id, when given, must match.
    public func putItem(id: String, _ draft: ItemDraft) async throws -> Upserted<Item> {
        try ServiceError.checked { () throws(ValidationError) in
            try Identifier.validate(id, field: "itemId")
            if let bodyId = draft.id, bodyId != id {
                throw ValidationError(field: "id", reason: "'\(bodyId)' differs from the path's item id '\(id)'")
            }
            try validator.validate(draft)
        }
        let result = try await store.upsertItem(makeItem(id: id, draft, at: now()))
        index([result.value])
        return result
    }

    /// Creates or replaces every item of the batch in one transaction, or none if one is invalid.
    public func importItems(_ drafts: [ItemDraft]) async throws -> BatchCounts {
        try ServiceError.checked { () throws(ValidationError) in
            try validator.validate(batchSize: drafts.count, field: "items")
            var seen = Set<String>()
            for (index, draft) in drafts.enumerated() {
                let path = "items[\(index)]."
                guard let id = draft.id else { throw ValidationError(field: path + "id", reason: "is required") }
                try validator.validate(draft, path: path)
                if !seen.insert(id).inserted {
                    throw ValidationError(field: path + "id", reason: "'\(id)' appears more than once in the batch")
                }
            }
        }
        let time = now()
        let items = drafts.map { makeItem(id: $0.id ?? "", $0, at: time) }
        let counts = try await store.upsertItems(items)
        index(items)
        return counts
    }

    public func item(id: String) async throws -> Item {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(id, field: "itemId") }
        guard let item = try await store.item(id: id) else { throw ServiceError.notFound(kind: "item", id: id) }
        return item
    }

    public func deleteItem(id: String) async throws {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(id, field: "itemId") }
        guard try await store.deleteItem(id: id) else { throw ServiceError.notFound(kind: "item", id: id) }
        embeddings.update { $0.remove(id: id) }
        features.removeItem(id: id)
    }

    /// One page of the catalog in id order. The cursor is opaque to clients: it encodes the
    /// last id of the previous page, so pages stay consistent while the catalog changes.
    public func listItems(limit: Int, cursor: String?) async throws -> Page<Item> {
        try await page(limit: limit, cursor: cursor, id: \.id) { try await store.items(after: $0, limit: $1) }
    }

    /// One page of the profiles in id order, paged as `listItems`.
    public func listUsers(limit: Int, cursor: String?) async throws -> Page<User> {
        try await page(limit: limit, cursor: cursor, id: \.id) { try await store.users(after: $0, limit: $1) }
    }

    /// Reads one more than `limit` after the cursor's id, to know whether a next page exists.
    private func page<Element>(
        limit: Int, cursor: String?, id: (Element) -> String, read: (String?, Int) async throws -> [Element]
    ) async throws -> Page<Element> {
        let afterId = try ServiceError.checked { () throws(ValidationError) -> String? in
            guard (1...configuration.maxPageSize).contains(limit) else {
                throw ValidationError(field: "limit", reason: "must be between 1 and \(configuration.maxPageSize)")
            }
            return try cursor.map { (cursor) throws(ValidationError) in try PageCursor.decode(cursor) }
        }
        let elements = try await read(afterId, limit + 1)
        let page = Array(elements.prefix(limit))
        let next = elements.count > limit ? page.last.map { PageCursor.encode(id($0)) } : nil
        return Page(elements: page, nextCursor: next)
    }

    private func makeItem(id: String, _ draft: ItemDraft, at time: Date) -> Item {
        Item(
            id: id, title: draft.title, description: draft.description, type: draft.type, tags: draft.tags,
            embedding: draft.embedding, attributes: draft.attributes, active: draft.active,
            createdAt: time, updatedAt: time)
    }
}
