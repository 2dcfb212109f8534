import LineupCore

/// Everything stored about one user.
public struct UserExport: Sendable, Hashable {
    public var userId: String
    public var profile: User?
    public var events: [Event]
    /// What Lineup showed the user, oldest first.
    public var impressions: [Impression]

    public init(userId: String, profile: User?, events: [Event], impressions: [Impression] = []) {
        self.userId = userId
        self.profile = profile
        self.events = events
        self.impressions = impressions
    }

    /// True when nothing at all is stored about the user.
    public var isEmpty: Bool { profile == nil && events.isEmpty && impressions.isEmpty }
}
