import Foundation

/// How a LambdaMART model learned, under XGBoost's names (`lambdarank_param` in the
/// objective of its JSON model), and the position bias it estimated when it learned from
/// clicks (`ti+` / `tj-`). The trainer reads these settings; the model file carries them,
/// so a model says how it was made whichever library made it.
///
/// The defaults are XGBoost's except two, chosen by measurement (`benchmarks/train/pairs.py`,
/// figures in `benchmarks/RESULTS.md`): LightGBM's pair hessian and linear gains. On the
/// synthetic 10k groups they reach LightGBM's NDCG@10 where XGBoost's defaults stay 0.025
/// below it; linear gains are what scikit-learn's `ndcg_score`, the peers' yardstick, counts. Set
/// `hessian = .xgboost` and `exponentialGain = true` to train exactly as XGBoost does.
public struct LambdaRankParameters: Sendable, Equatable {
    /// Which pairs of a query group's rows pull on each other.
    public enum PairMethod: String, Sendable, CaseIterable {
        /// Each of the top `pairsPerSample` rows of the current order with every row below
        /// it, and NDCG's ideal cut at the same depth (XGBoost's default).
        case topK = "topk"
        /// Each row with `pairsPerSample` rows of another label drawn at random, and NDCG over
        /// the whole list.
        case mean
    }

    /// A pair's hessian, as each peer takes it.
    public enum Hessian: String, Sendable, CaseIterable {
        /// 2·σ(1 − σ)·|ΔNDCG| on each row of the pair (XGBoost): half the step of `lightgbm`.
        case xgboost
        /// σ(1 − σ)·|ΔNDCG|, the pair loss's own second derivative (LightGBM's lambdarank).
        case lightgbm
    }

    /// Examination estimated by position: the pull of a pair whose better row was shown at
    /// position i and worse row at j is divided by `plus[i] · minus[j]` (Hu et al. 2019,
    /// "Unbiased LambdaMART", eq. 30 and 31). Both are 1 at position 0.
    public struct PositionBias: Sendable, Equatable {
        public var plus: [Double]
        public var minus: [Double]

        public init(plus: [Double], minus: [Double]) {
            self.plus = plus
            self.minus = minus
        }
    }

    public var pairMethod: PairMethod = .topK
    /// nil: XGBoost's default, 32 for `topK` and 1 for `mean`.
    public var pairsPerSample: Int?
    /// Scale each group's lambdas down (log2(1 + Σλ)/Σλ for top-k, 1/pairs for mean), so a
    /// group with many mis-ordered pairs does not outweigh the others linearly.
    public var normalization = true
    /// Divide a pair's ΔNDCG by the distance of its scores plus 0.01 (XGBoost ≥ 3's
    /// `lambdarank_score_normalization`): pairs the model already separates pull less.
    public var scoreNormalization = true
    /// Learn from a position-biased log: estimate examination by position while boosting and
    /// divide each pair by it. Rows of a group must be in the order they were shown.
    public var unbiased = false
    /// p of the Lp regularisation of the bias estimates: they are raised to 1/(1 + p).
    public var biasNorm = 1.0
    /// Gains 2^label − 1 (XGBoost's `ndcg_exp_gain`, LightGBM's default label gain); false:
    /// the label itself, as scikit-learn's `ndcg_score` counts.
    public var exponentialGain = false
    /// Not an XGBoost parameter: the model file cannot carry it (read from a file, it is
    /// this default); the model card does.
    public var hessian = Hessian.lightgbm
    /// The estimates, after the last round, when `unbiased`.
    public var positionBias: PositionBias?

    public init() {}

    /// Pairs per sample as the trainer uses it.
    public var effectivePairsPerSample: Int { pairsPerSample ?? (pairMethod == .topK ? 32 : 1) }

    /// Refuses what no trainer could use, naming XGBoost's parameter.
    public func problem() -> (name: String, reason: String)? {
        if let pairsPerSample, pairsPerSample < 1 { return ("lambdarank_num_pair_per_sample", "must be at least 1") }
        if !(biasNorm >= 0 && biasNorm.isFinite) { return ("lambdarank_bias_norm", "must be a finite number ≥ 0") }
        return nil
    }
}

extension LambdaRankParameters {
    /// A label's gain in the NDCG the pairs are weighted by.
    @inlinable public func gain(of label: Float) -> Double {
        exponentialGain ? exp2(Double(label)) - 1 : Double(label)
    }
}
