import Foundation

/// The learning objectives whose models Lineup scores, named as XGBoost names them.
///
/// An objective decides two things at prediction time: how the stored `base_score` becomes
/// the starting margin, and how a margin becomes a prediction. Both follow XGBoost in
/// Float32, so that predictions agree to the last few ulps.
public enum Objective: String, Sendable, CaseIterable {
    case binaryLogistic = "binary:logistic"
    case regressionLogistic = "reg:logistic"
    case squaredError = "reg:squarederror"
    case rankNDCG = "rank:ndcg"
    case rankPairwise = "rank:pairwise"
    case rankMAP = "rank:map"

    /// Whether predictions are probabilities (a sigmoid of the margin).
    public var isLogistic: Bool { self == .binaryLogistic || self == .regressionLogistic }

    /// Whether it is one of XGBoost's learning-to-rank objectives (LambdaMART and kin).
    public var isRanking: Bool { self == .rankNDCG || self == .rankPairwise || self == .rankMAP }

    /// The margin that `base_score` stands for: XGBoost stores logistic models' base score
    /// as a probability and starts their margin at its logit, clamped as XGBoost clamps it.
    public func margin(fromBaseScore score: Float) -> Float {
        guard isLogistic else { return score }
        let probability = min(max(score, 1e-6), 1 - 1e-6)
        return -logf(1 / probability - 1)
    }

    /// What XGBoost's `predict` returns for a margin.
    @inline(__always)
    public func prediction(fromMargin margin: Float) -> Float {
        isLogistic ? Self.sigmoid(margin) : margin
    }

    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        1 / (1 + expf(-x))
    }
}
