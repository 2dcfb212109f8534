import LineupCore

/// Everything stored about one user.
public struct UserExport: Sendable, Hashable {
    public var userId: String
    public var profile: User?
    public var events: [Event]

    public init(userId: String, profile: User?, events: [Event]) {
        self.userId = userId
        self.profile = profile
        self.events = events
    }

    /// True when nothing at all is stored about the user.
    public var isEmpty: Bool { profile == nil && events.isEmpty }
}
