import LineupCore

/// What a user has pinned and hidden. Simulated users pin widgets they love and hide ones they
/// dislike; the dashboard then shows pins first and hidden widgets never, as Lineup's engine does.
/// Kept by whoever runs sessions over time, so that an `unpin` follows a `pin`.
public struct UserControls: Sendable, Hashable {
    /// Item ids, oldest first.
    public var pinned: [String]
    /// Item ids, oldest first.
    public var hidden: [String]

    public init(pinned: [String] = [], hidden: [String] = []) {
        self.pinned = pinned
        self.hidden = hidden
    }

    /// `ordered` as the screen shows it: pinned widgets first (in the policy's order), hidden
    /// ones removed, cut to `capacity`.
    public func arrange(_ ordered: [Item], capacity: Int) -> [Item] {
        var front: [Item] = []
        var rest: [Item] = []
        for item in ordered where !hidden.contains(item.id) {
            if pinned.contains(item.id) { front.append(item) } else { rest.append(item) }
        }
        return Array((front + rest).prefix(max(capacity, 0)))
    }
}
