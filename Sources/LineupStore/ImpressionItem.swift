/// One widget of a served response.
public struct ImpressionItem: Sendable, Hashable {
    public var itemId: String
    /// 1 for the first widget shown.
    public var position: Int
    /// The score the ranker ordered by (model prediction, fallback blend or popularity).
    public var score: Float
    public var retrievalScore: Float
    public var pinned: Bool
    /// The feature vector the model scored (schema order, NaN for missing); empty when no
    /// model scored this response.
    public var features: [Float]

    public init(itemId: String, position: Int, score: Float, retrievalScore: Float, pinned: Bool, features: [Float]) {
        self.itemId = itemId
        self.position = position
        self.score = score
        self.retrievalScore = retrievalScore
        self.pinned = pinned
        self.features = features
    }
}
