import Foundation

/// A person who looks at dashboards.
public struct User: Sendable, Hashable, Codable {
    public var id: String
    /// The job role (`analyst`, `executive`, …): the prior for users with little history.
    public var role: String?
    public var team: String?
    /// An IANA time-zone identifier; hour-of-day features are computed in it.
    public var timezone: String
    public var attributes: [String: JSONValue]
    /// False when the user opted out: they get the non-personalized order.
    public var personalization: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        role: String? = nil,
        team: String? = nil,
        timezone: String = "UTC",
        attributes: [String: JSONValue] = [:],
        personalization: Bool = true,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.role = role
        self.team = team
        self.timezone = timezone
        self.attributes = attributes
        self.personalization = personalization
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
