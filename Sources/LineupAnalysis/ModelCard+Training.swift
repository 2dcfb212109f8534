import Foundation
import LineupModels
import LineupRanking
import LineupTraining

extension ModelCard {
    /// The card of a model `Trainer` made.
    public init(
        version: String, createdAt: Date, configuration: Trainer.Configuration, result: TrainingResult,
        features: [String], schemaVersion: Int, data: DataWindow
    ) {
        self.init(
            version: version, createdAt: createdAt, trainer: "lineup train (LineupTraining, histogram gradient boosting)",
            objective: configuration.objective.rawValue, schemaVersion: schemaVersion, features: features, data: data,
            parameters: Self.parameters(of: configuration),
            metrics: Metrics(
                train: result.trainMetric, validation: result.validationMetric, bestRound: result.bestRound,
                bestValidation: result.rounds.first { $0.round == result.bestRound }?.validation,
                rounds: result.rounds.map { Round(round: $0.round, seconds: $0.seconds, train: $0.train, validation: $0.validation) }),
            importances: result.importances.filter { $0.splits > 0 }.sorted { $0.totalGain > $1.totalGain }.map {
                Importance(feature: features[$0.feature], totalGain: $0.totalGain, splits: $0.splits)
            })
        if configuration.objective == .rankNDCG {
            pairMethod = configuration.lambdaRank.pairMethod.rawValue
            positionBias = result.forest.lambdaRank?.positionBias.map { PositionBias(plus: $0.plus, minus: $0.minus) }
        }
    }

    /// The trainer's settings under XGBoost's names.
    static func parameters(of configuration: Trainer.Configuration) -> [String: Double] {
        var parameters = [
            "num_boost_round": Double(configuration.rounds), "max_depth": Double(configuration.maxDepth),
            "max_leaves": Double(configuration.maxLeaves), "eta": Double(configuration.learningRate),
            "lambda": configuration.lambda, "gamma": configuration.gamma, "min_child_weight": configuration.minChildWeight,
            "max_bin": Double(configuration.maxBins), "subsample": configuration.subsample,
            "colsample_bytree": configuration.columnSample, "early_stopping_rounds": Double(configuration.earlyStoppingRounds),
            "ndcg_cutoff": Double(configuration.cutoff), "seed": Double(configuration.seed),
        ]
        if configuration.objective == .rankNDCG {
            let ranking = configuration.lambdaRank
            parameters["lambdarank_num_pair_per_sample"] = Double(ranking.effectivePairsPerSample)
            parameters["lambdarank_unbiased"] = ranking.unbiased ? 1 : 0
            parameters["lambdarank_bias_norm"] = ranking.biasNorm
            parameters["lambdarank_score_normalization"] = ranking.scoreNormalization ? 1 : 0
            parameters["lambdarank_normalization"] = ranking.normalization ? 1 : 0
            parameters["ndcg_exp_gain"] = ranking.exponentialGain ? 1 : 0
            // Not XGBoost's: 2 for its pair hessian, 1 for LightGBM's.
            parameters["pair_hessian_factor"] = ranking.hessian == .xgboost ? 2 : 1
        }
        return parameters
    }
}

extension ModelCard.SplitCounts {
    /// The counts of a training or validation set.
    public init(_ data: TrainingData) {
        var labels: [String: Int] = [:]
        for label in data.labels { labels[label == label.rounded() ? String(Int(label)) : String(label), default: 0] += 1 }
        self.init(
            rows: data.count, groups: data.groups?.count ?? 0, positives: data.labels.filter { $0 > 0 }.count, labelCounts: labels)
    }
}
