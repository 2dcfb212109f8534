import LineupCore

/// The catalog of widgets.
public protocol ItemStore: Sendable {
    /// Inserts or replaces one item, keeping the original `createdAt` on replace.
    func upsertItem(_ item: Item) async throws -> Upserted<Item>

    /// Inserts or replaces many items in one transaction: all of them or none.
    func upsertItems(_ items: [Item]) async throws -> BatchCounts

    func item(id: String) async throws -> Item?

    /// Returns whether an item was deleted.
    func deleteItem(id: String) async throws -> Bool

    /// Items in id order, strictly after `afterId` when given.
    func items(after afterId: String?, limit: Int) async throws -> [Item]
}
