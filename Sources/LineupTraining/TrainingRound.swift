/// One boosting round as progress reports it and the model card records it.
public struct TrainingRound: Sendable, Codable, Equatable {
    public var round: Int
    /// Since training started (binning included).
    public var seconds: Double
    /// The metric on the training rows before this round's tree: logloss for
    /// `binary:logistic`, RMSE for `reg:squarederror`, NDCG@K for `rank:ndcg`.
    public var train: Double
    /// The validation metric after this round's tree, when there is a validation set: AUC,
    /// RMSE, or NDCG@K as `lineup eval` computes it (ties share their gain).
    public var validation: Double?

    public init(round: Int, seconds: Double, train: Double, validation: Double?) {
        self.round = round
        self.seconds = seconds
        self.train = train
        self.validation = validation
    }
}
