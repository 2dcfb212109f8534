import LineupCore

/// One layout as an admin configures it.
public struct LayoutDraft: Sendable, Equatable {
    public var id: String
    public var name: String
    public var params: [String: JSONValue]

    public init(id: String, name: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.name = name
        self.params = params
    }
}
