import LineupCore

/// A user profile as a client sends it.
public struct UserDraft: Sendable, Hashable {
    public var id: String?
    public var role: String?
    public var team: String?
    public var timezone: String?
    public var attributes: [String: JSONValue]
    public var personalization: Bool

    public init(
        id: String? = nil,
        role: String? = nil,
        team: String? = nil,
        timezone: String? = nil,
        attributes: [String: JSONValue] = [:],
        personalization: Bool = true
    ) {
        self.id = id
        self.role = role
        self.team = team
        self.timezone = timezone
        self.attributes = attributes
        self.personalization = personalization
    }
}
