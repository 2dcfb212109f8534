/// What erasing a user removed.
public struct UserErasure: Sendable, Hashable {
    public var userId: String
    public var profileDeleted: Bool
    public var eventsDeleted: Int
    public var impressionsDeleted: Int

    public init(userId: String, profileDeleted: Bool, eventsDeleted: Int, impressionsDeleted: Int = 0) {
        self.userId = userId
        self.profileDeleted = profileDeleted
        self.eventsDeleted = eventsDeleted
        self.impressionsDeleted = impressionsDeleted
    }

    /// True when nothing at all was stored about the user.
    public var isEmpty: Bool { !profileDeleted && eventsDeleted == 0 && impressionsDeleted == 0 }
}
