import LineupRanking

/// What a training run produced: the model and what the model card tells about it.
public struct TrainingResult: Sendable {
    /// The model, cut back to `bestRound` trees when early stopping watched a validation set.
    public var forest: Forest
    public var rounds: [TrainingRound]
    /// The round whose trees were kept (the last one without early stopping).
    public var bestRound: Int
    /// Names the metrics of `rounds`: "logloss"/"auc", "rmse"/"rmse", "ndcg@K"/"ndcg@K".
    public var trainMetric: String
    public var validationMetric: String?
    /// Per feature, the loss reduction of all the kept trees' splits on it and their count
    /// (XGBoost's `total_gain` and `weight` importances).
    public var importances: [Importance]

    public struct Importance: Sendable, Codable, Equatable {
        public var feature: Int
        public var totalGain: Double
        public var splits: Int
    }
}
