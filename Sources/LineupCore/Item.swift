import Foundation

/// A widget a dashboard can show: the unit Lineup orders.
public struct Item: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var description: String
    /// The kind of widget (`kpi`, `chart`, `table`, `map`, `text`, …); an open set.
    public var type: String
    public var tags: [String]
    /// The widget's vector when a client supplied one; `nil` means Lineup derives one from the text.
    public var embedding: [Float]?
    public var attributes: [String: JSONValue]
    /// Inactive widgets stay in the catalog but are never recommended.
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        title: String,
        description: String = "",
        type: String,
        tags: [String] = [],
        embedding: [Float]? = nil,
        attributes: [String: JSONValue] = [:],
        active: Bool = true,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.type = type
        self.tags = tags
        self.embedding = embedding
        self.attributes = attributes
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
