import LineupCore

/// An item as a client sends it, before validation and server-side timestamps.
public struct ItemDraft: Sendable, Hashable {
    public var id: String?
    public var title: String
    public var description: String
    public var type: String
    public var tags: [String]
    public var embedding: [Float]?
    public var attributes: [String: JSONValue]
    public var active: Bool

    public init(
        id: String? = nil,
        title: String,
        description: String = "",
        type: String,
        tags: [String] = [],
        embedding: [Float]? = nil,
        attributes: [String: JSONValue] = [:],
        active: Bool = true
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.type = type
        self.tags = tags
        self.embedding = embedding
        self.attributes = attributes
        self.active = active
    }
}
