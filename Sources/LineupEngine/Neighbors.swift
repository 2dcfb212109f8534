import LineupRetrieval

/// The outcome of retrieval for one user.
public struct Neighbors: Sendable, Hashable {
    /// What the query vector was made from.
    public enum Source: String, Sendable, Hashable {
        /// The user's own recent engagements.
        case personal
        /// The engagements of users with the same role: a cold user.
        case role
        /// Global popularity: nothing else to go on.
        case popularity
    }

    public var source: Source
    /// Best first; scores are cosines, or popularity weights for `.popularity`.
    public var items: [ScoredItem]

    public init(source: Source, items: [ScoredItem]) {
        self.source = source
        self.items = items
    }
}
