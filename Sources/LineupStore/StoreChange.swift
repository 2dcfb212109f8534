/// A committed write, other than an event, that changes what serving processes hold in
/// memory: how a replica learns what the others wrote. It names what changed, not how: the
/// follower reads the current value from the store, so applying a change twice, or after a
/// later one, leaves the same state.
public struct StoreChange: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// An item was upserted or deleted; `key` is its id.
        case item
        /// A profile was upserted, or the user erased; `key` is the user id.
        case user
        /// A surface's layouts or frozen flag; `key` is the surface.
        case layouts
        /// Bandit evidence was settled or reset; `key` is the surface ("" when several).
        case evidence
        /// An experiment was saved; `key` is its id.
        case experiment
        /// A model was added or its card rewritten, or the active model changed; `key` is
        /// the version ("" for the active model).
        case model
    }

    /// Commit order, increasing.
    public var sequence: Int64
    public var kind: Kind
    public var key: String

    public init(sequence: Int64, kind: Kind, key: String) {
        self.sequence = sequence
        self.kind = kind
        self.key = key
    }
}
