/// An item and its cosine similarity to a query.
public struct ScoredItem: Sendable, Hashable {
    public var id: String
    public var score: Float

    public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}
