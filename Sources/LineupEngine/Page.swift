/// One page of a listing in id order, with the cursor of the next page when there is one.
public struct Page<Element: Sendable & Hashable>: Sendable, Hashable {
    public var elements: [Element]
    public var nextCursor: String?

    public init(elements: [Element], nextCursor: String?) {
        self.elements = elements
        self.nextCursor = nextCursor
    }
}
