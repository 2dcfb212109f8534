import ArgumentParser
import LineupRanking
import LineupTraining

/// The trainer's settings as flags, XGBoost's names in the help. Each one left out keeps the
/// mode's default: training from the log starts from `TrainingSpecification`'s, a LIBSVM
/// file from XGBoost's own.
struct TrainerOptions: ParsableArguments {
    @Option(help: "binary:logistic, reg:squarederror or rank:ndcg (LambdaMART; needs groups). Default: rank:ndcg from the log or with --group, else binary:logistic.")
    var objective: String?

    @Option(help: "Boosting rounds (trees) at most (num_boost_round).")
    var rounds: Int?

    @Option(help: "Depth of each tree (max_depth).")
    var maxDepth: Int?

    @Option(help: "Most leaves per tree, 0 for no limit (max_leaves).")
    var maxLeaves: Int?

    @Option(help: "Learning rate (eta).")
    var learningRate: Float?

    @Option(help: "L2 regularisation of leaf weights (lambda).")
    var lambda: Double?

    @Option(help: "Least loss reduction for a split (gamma, min_split_loss).")
    var gamma: Double?

    @Option(help: "Least hessian sum in a child (min_child_weight).")
    var minChildWeight: Double?

    @Option(help: "Bins per feature, 2...255 (max_bin).")
    var maxBin: Int?

    @Option(help: "Share of rows each tree learns from (subsample).")
    var subsample: Double?

    @Option(help: "Share of features each tree may split on (colsample_bytree).")
    var colsampleBytree: Double?

    @Option(help: "Stop after this many rounds without a better validation score; 0 never (early_stopping_rounds).")
    var earlyStoppingRounds: Int?

    @Option(help: "K of the NDCG@K that ranking reports and early stopping watches.")
    var ndcgAt: Int?

    @Option(help: "How LambdaMART pairs rows: topk (each of the top N with every row below) or mean (N random pairs per row) (lambdarank_pair_method).")
    var pairMethod: String?

    @Option(help: "N of --pair-method: 32 for topk, 1 for mean when left out (lambdarank_num_pair_per_sample).")
    var pairsPerSample: Int?

    @Flag(
        inversion: .prefixedNo,
        help: "Correct LambdaMART for position bias, estimating examination by position (lambdarank_unbiased). Rows of a group must be in shown order. Default: on from the log, off from files.")
    var unbiased: Bool?

    @Option(help: "p of the bias estimates' Lp regularisation, exponent 1/(1+p) (lambdarank_bias_norm).")
    var biasNorm: Double?

    @Flag(
        inversion: .prefixedNo,
        help: "Divide a pair's ΔNDCG by its score distance + 0.01 (lambdarank_score_normalization, default on).")
    var scoreNormalization: Bool?

    @Flag(inversion: .prefixedNo, help: "NDCG gains 2^label − 1 (ndcg_exp_gain, XGBoost's default); Lineup's default: the label itself, as scikit-learn's ndcg_score counts.")
    var expGain: Bool?

    @Option(help: "A pair's hessian: lightgbm (σ(1−σ)|ΔNDCG|, the default) or xgboost (2σ(1−σ)|ΔNDCG|, half the step). With --exp-gain, xgboost trains exactly as XGBoost does.")
    var pairHessian: String?

    /// Not `--seed`: the demo commands that train also take the world's `--seed`.
    @Option(help: "Seed of row and column sampling (XGBoost's seed).")
    var samplingSeed: UInt64?

    @Flag(help: "Train on one core (the model is the same either way).")
    var singleThread = false

    /// The given flags again, as `lineup train` reads them: the demo loop hands its trainer
    /// flags on to that command.
    var arguments: [String] {
        let given: [(String, String?)] = [
            ("--objective", objective), ("--rounds", rounds.map(String.init)), ("--max-depth", maxDepth.map(String.init)),
            ("--max-leaves", maxLeaves.map(String.init)), ("--learning-rate", learningRate.map { "\($0)" }),
            ("--lambda", lambda.map { "\($0)" }), ("--gamma", gamma.map { "\($0)" }),
            ("--min-child-weight", minChildWeight.map { "\($0)" }), ("--max-bin", maxBin.map(String.init)),
            ("--subsample", subsample.map { "\($0)" }), ("--colsample-bytree", colsampleBytree.map { "\($0)" }),
            ("--early-stopping-rounds", earlyStoppingRounds.map(String.init)), ("--ndcg-at", ndcgAt.map(String.init)),
            ("--sampling-seed", samplingSeed.map(String.init)), ("--pair-method", pairMethod),
            ("--pairs-per-sample", pairsPerSample.map(String.init)), ("--bias-norm", biasNorm.map { "\($0)" }),
            ("--pair-hessian", pairHessian),
        ]
        let flags = [("unbiased", unbiased), ("score-normalization", scoreNormalization), ("exp-gain", expGain)].compactMap { name, value in
            value.map { $0 ? "--\(name)" : "--no-\(name)" }
        }
        return given.flatMap { flag, value in value.map { [flag, $0] } ?? [] } + flags + (singleThread ? ["--single-thread"] : [])
    }

    /// `base` with every given flag applied.
    func configuration(base: Trainer.Configuration, ranking: Bool) throws -> Trainer.Configuration {
        var configuration = base
        if let objective {
            guard let parsed = Objective(rawValue: objective) else {
                throw ValidationError("--objective \(objective) is unknown (binary:logistic, reg:squarederror, rank:ndcg)")
            }
            configuration.objective = parsed
        } else if !ranking, configuration.objective == .rankNDCG {
            configuration.objective = .binaryLogistic
        }
        if let rounds { configuration.rounds = rounds }
        if let maxDepth { configuration.maxDepth = maxDepth }
        if let maxLeaves { configuration.maxLeaves = maxLeaves }
        if let learningRate { configuration.learningRate = learningRate }
        if let lambda { configuration.lambda = lambda }
        if let gamma { configuration.gamma = gamma }
        if let minChildWeight { configuration.minChildWeight = minChildWeight }
        if let maxBin { configuration.maxBins = maxBin }
        if let subsample { configuration.subsample = subsample }
        if let colsampleBytree { configuration.columnSample = colsampleBytree }
        if let earlyStoppingRounds { configuration.earlyStoppingRounds = earlyStoppingRounds }
        if let ndcgAt { configuration.cutoff = ndcgAt }
        if let samplingSeed { configuration.seed = samplingSeed }
        if let pairMethod {
            guard let method = LambdaRankParameters.PairMethod(rawValue: pairMethod) else {
                throw ValidationError("--pair-method \(pairMethod) is unknown (topk, mean)")
            }
            configuration.lambdaRank.pairMethod = method
        }
        if let pairsPerSample { configuration.lambdaRank.pairsPerSample = pairsPerSample }
        if let unbiased { configuration.lambdaRank.unbiased = unbiased }
        if let biasNorm { configuration.lambdaRank.biasNorm = biasNorm }
        if let scoreNormalization { configuration.lambdaRank.scoreNormalization = scoreNormalization }
        if let expGain { configuration.lambdaRank.exponentialGain = expGain }
        if let pairHessian {
            guard let hessian = LambdaRankParameters.Hessian(rawValue: pairHessian) else {
                throw ValidationError("--pair-hessian \(pairHessian) is unknown (xgboost, lightgbm)")
            }
            configuration.lambdaRank.hessian = hessian
        }
        configuration.parallel = !singleThread
        return configuration
    }
}
