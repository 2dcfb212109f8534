import LineupCore

/// A session as it happened: what the screen showed, in order, for evaluation to compare with
/// the ideal order.
public struct ServedSession: Sendable, Hashable {
    public let session: Session
    /// After the policy's order, the user's pins and hides, and the screen size.
    public let shown: [Item]
}
