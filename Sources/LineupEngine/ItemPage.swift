import LineupCore

/// One page of the catalog, with the cursor of the next page when there is one.
public struct ItemPage: Sendable, Hashable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
