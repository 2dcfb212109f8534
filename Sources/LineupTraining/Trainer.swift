import Foundation
import LineupCore
import LineupEvaluation
import LineupRanking

/// Gradient boosting of regression trees on histograms, laid out as the mature libraries
/// are: the objective gives each row a gradient and a hessian (`LambdaRank` for
/// `rank:ndcg`), `TreeBuilder` fits a tree to them, the booster adds the tree and updates
/// the margins. The result is a `Forest`, which writes the XGBoost JSON that XGBoost loads.
///
/// Each round may learn from a sample of the rows (`subsample`) and of the features
/// (`columnSample`), drawn from `seed`; with a validation set it is scored after every
/// round, and `earlyStoppingRounds` rounds without a better score end training, keeping the
/// trees up to the best round. Histograms of large nodes and ranking gradients are shared
/// across the cores in fixed chunks, so a seed gives the same model on any number of cores.
public struct Trainer: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var objective: Objective = .binaryLogistic
        public var rounds = 100
        public var maxDepth = 6
        /// Most leaves per tree; 0 for no limit beyond `maxDepth`'s.
        public var maxLeaves = 0
        public var learningRate: Float = 0.3
        /// L2 regularisation of leaf weights (XGBoost's `lambda`).
        public var lambda = 1.0
        /// Least loss reduction a split must bring (XGBoost's `gamma`, `min_split_loss`).
        public var gamma = 0.0
        /// Least hessian sum in a child (XGBoost's `min_child_weight`).
        public var minChildWeight = 1.0
        /// Bins per feature, missing values' own bin aside (XGBoost's `max_bin` is 256).
        public var maxBins = 255
        /// The share of rows each tree learns from (XGBoost's `subsample`).
        public var subsample = 1.0
        /// The share of features each tree may split on (XGBoost's `colsample_bytree`).
        public var columnSample = 1.0
        /// Stop after this many rounds without a better validation score; 0 never stops early.
        public var earlyStoppingRounds = 0
        /// K of the NDCG@K that ranking reports and early stopping watches.
        public var cutoff = 10
        /// How `rank:ndcg` forms its pairs, and whether it corrects for position bias.
        public var lambdaRank = LambdaRankParameters()
        public var seed: UInt64 = 0
        /// Use every core (the model is the same either way).
        public var parallel = true

        public init() {}

        /// Refuses settings no trainer could use, naming the parameter (XGBoost's name).
        public func validate() throws(TrainingError) {
            guard [.binaryLogistic, .squaredError, .rankNDCG].contains(objective) else {
                throw .invalidParameter(
                    name: "objective", reason: "\(objective.rawValue) is not trained (binary:logistic, reg:squarederror, rank:ndcg)")
            }
            guard rounds >= 1 else { throw .invalidParameter(name: "rounds", reason: "must be at least 1") }
            guard (1...12).contains(maxDepth) else { throw .invalidParameter(name: "max_depth", reason: "must be 1...12") }
            guard maxLeaves == 0 || maxLeaves >= 2 else {
                throw .invalidParameter(name: "max_leaves", reason: "must be 0 (no limit) or at least 2")
            }
            guard learningRate > 0, learningRate <= 1 else { throw .invalidParameter(name: "learning_rate", reason: "must be in (0, 1]") }
            guard lambda >= 0 else { throw .invalidParameter(name: "lambda", reason: "must not be negative") }
            guard gamma >= 0 else { throw .invalidParameter(name: "gamma", reason: "must not be negative") }
            guard minChildWeight >= 0 else { throw .invalidParameter(name: "min_child_weight", reason: "must not be negative") }
            guard (2...255).contains(maxBins) else { throw .invalidParameter(name: "max_bin", reason: "must be 2...255") }
            guard subsample > 0, subsample <= 1 else { throw .invalidParameter(name: "subsample", reason: "must be in (0, 1]") }
            guard columnSample > 0, columnSample <= 1 else {
                throw .invalidParameter(name: "colsample_bytree", reason: "must be in (0, 1]")
            }
            guard earlyStoppingRounds >= 0 else { throw .invalidParameter(name: "early_stopping_rounds", reason: "must not be negative") }
            guard (1...1000).contains(cutoff) else { throw .invalidParameter(name: "ndcg_at", reason: "must be 1...1000") }
            if let (name, reason) = lambdaRank.problem() { throw .invalidParameter(name: name, reason: reason) }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Trains on `data`; `progress` hears every round as it ends. With `validation`, every
    /// round is scored on it, and early stopping (when configured) watches that score.
    public func train(
        _ data: TrainingData, validation: TrainingData? = nil, progress: (TrainingRound) -> Void = { _ in }
    ) throws(TrainingError) -> TrainingResult {
        try trainKeepingMargins(data, validation: validation, progress: progress).result
    }

    /// `train`, also returning the margins the booster reached on the training rows.
    func trainKeepingMargins(
        _ data: TrainingData, validation: TrainingData? = nil, progress: (TrainingRound) -> Void = { _ in }
    ) throws(TrainingError) -> (result: TrainingResult, margins: [Float]) {
        let started = ContinuousClock.now
        let configuration = configuration
        try configuration.validate()
        try check(data, name: "training")
        if let validation {
            try check(validation, name: "validation")
            guard validation.featureCount == data.featureCount else {
                throw .invalidData("the validation rows have \(validation.featureCount) features, the training rows \(data.featureCount)")
            }
        }
        let objective = configuration.objective
        let count = data.count
        let bins = FeatureBins(
            rows: data.rows, rowCount: count, featureCount: data.featureCount, maxBins: configuration.maxBins,
            parallel: configuration.parallel)
        let validationBins = validation.map {
            FeatureBins(rows: $0.rows, rowCount: $0.count, like: bins, parallel: configuration.parallel)
        }
        let builder = TreeBuilder(
            bins: bins,
            parameters: .init(
                maxDepth: configuration.maxDepth, maxLeaves: configuration.maxLeaves,
                learningRate: configuration.learningRate, lambda: configuration.lambda, gamma: configuration.gamma,
                minChildWeight: configuration.minChildWeight, parallel: configuration.parallel))
        // The starting point XGBoost's boost_from_average takes: the mean label (a
        // probability for logistic models, kept away from 0 and 1); 0 for ranking.
        let mean = data.labels.reduce(0, +) / Float(count)
        let baseScore: Float =
            switch objective {
            case .binaryLogistic: min(max(mean, 1e-6), 1 - 1e-6)
            case .rankNDCG: 0
            default: mean
            }
        let baseMargin = objective.margin(fromBaseScore: baseScore)
        var margins = [Float](repeating: baseMargin, count: count)
        var validationMargins = [Float](repeating: baseMargin, count: validation?.count ?? 0)
        var gradients = [Float](repeating: 0, count: count)
        var hessians = [Float](repeating: 0, count: count)
        var random = SeededGenerator(seed: configuration.seed)
        let featureCount = data.featureCount
        let sampledFeatures = max(1, Int((configuration.columnSample * Double(featureCount)).rounded(.down)))
        var lambdaRank =
            objective == .rankNDCG
            ? LambdaRank(
                parameters: configuration.lambdaRank, labels: data.labels, groups: data.groups ?? [count],
                cutoff: configuration.cutoff, seed: configuration.seed, parallel: configuration.parallel)
            : nil
        var grown: [GrownTree] = []
        var rounds: [TrainingRound] = []
        var best: (round: Int, score: Double)?
        for round in 1...configuration.rounds {
            let trainMetric =
                if lambdaRank != nil {
                    lambdaRank!.gradients(
                        margins: margins, labels: data.labels, round: round - 1, gradients: &gradients, hessians: &hessians)
                } else {
                    objectiveGradients(data, margins: margins, gradients: &gradients, hessians: &hessians)
                }
            var rows: [Int32]
            if configuration.subsample < 1 {
                rows = []
                rows.reserveCapacity(Int(Double(count) * configuration.subsample) + 16)
                for row in 0..<count where random.nextUnit() < configuration.subsample { rows.append(Int32(row)) }
                if rows.isEmpty { rows = [Int32(Int.random(in: 0..<count, using: &random))] }
            } else {
                rows = Array(0..<Int32(count))
            }
            var features = Array(0..<featureCount)
            if sampledFeatures < featureCount {
                features.shuffle(using: &random)
                features = features.prefix(sampledFeatures).sorted()
            }
            let (tree, leafOfRow) = builder.build(gradients: gradients, hessians: hessians, rows: rows, features: features)
            grown.append(tree)
            if rows.count == count {
                for row in 0..<count { margins[row] += leafOfRow[row] }
            } else {
                for row in 0..<count { margins[row] += tree.value(row: row, in: bins) }
            }
            var score: Double?
            if let validation, let validationBins {
                for row in 0..<validation.count { validationMargins[row] += tree.value(row: row, in: validationBins) }
                score = validationScore(validation, margins: validationMargins)
            }
            let record = TrainingRound(
                round: round, seconds: (ContinuousClock.now - started).seconds, train: trainMetric, validation: score)
            rounds.append(record)
            progress(record)
            if let score {
                let better = objective == .squaredError ? score < (best?.score ?? .infinity) : score > (best?.score ?? -.infinity)
                if better { best = (round, score) }
                if configuration.earlyStoppingRounds > 0, let best, round - best.round >= configuration.earlyStoppingRounds {
                    break
                }
            }
        }
        let bestRound = configuration.earlyStoppingRounds > 0 ? (best?.round ?? grown.count) : grown.count
        let kept = grown.prefix(bestRound).map(\.tree)
        var importances = (0..<featureCount).map { TrainingResult.Importance(feature: $0, totalGain: 0, splits: 0) }
        for tree in kept {
            for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
                importances[Int(tree.feature[node])].totalGain += Double(tree.gain?[node] ?? 0)
                importances[Int(tree.feature[node])].splits += 1
            }
        }
        var ranking = configuration.lambdaRank
        ranking.positionBias = lambdaRank?.bias
        let forest: Forest
        do {
            forest = try Forest(
                objective: objective, featureCount: featureCount, featureNames: data.featureNames, baseScore: baseScore,
                trees: Array(kept), lambdaRank: objective == .rankNDCG ? ranking : nil)
        } catch {
            throw .invalidData("the trained trees do not form a model: \(error)")
        }
        let result = TrainingResult(
            forest: forest, rounds: rounds, bestRound: bestRound, trainMetric: metricNames.train,
            validationMetric: validation == nil ? nil : metricNames.validation, importances: importances)
        return (result, margins)
    }

    /// What `rounds` measure, as the model card names it.
    var metricNames: (train: String, validation: String) {
        switch configuration.objective {
        case .binaryLogistic: ("logloss", "auc")
        case .rankNDCG: ("ndcg@\(configuration.cutoff)", "ndcg@\(configuration.cutoff)")
        default: ("rmse", "rmse")
        }
    }

    private func check(_ data: TrainingData, name: String) throws(TrainingError) {
        switch configuration.objective {
        case .binaryLogistic:
            guard data.labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw .invalidData("binary:logistic needs \(name) labels 0 or 1")
            }
        case .rankNDCG:
            guard data.groups != nil else { throw .invalidData("rank:ndcg needs the \(name) rows' query groups") }
            guard data.labels.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 <= 31 }) else {
                throw .invalidData("rank:ndcg needs whole \(name) relevance labels in 0...31")
            }
        default: break
        }
    }

    /// Fills gradients and hessians for the current margins of a pointwise objective (ranking
    /// has `LambdaRank`); returns the training metric.
    private func objectiveGradients(
        _ data: TrainingData, margins: [Float], gradients: inout [Float], hessians: inout [Float]
    ) -> Double {
        let count = data.count
        switch configuration.objective {
        case .binaryLogistic:
            // Chunks across the cores; their losses are added in chunk order.
            let chunkRows = 16_384
            let chunks = (count + chunkRows - 1) / chunkRows
            var losses = [Double](repeating: 0, count: chunks)
            data.labels.withUnsafeBufferPointer { labels in
                margins.withUnsafeBufferPointer { margins in
                    gradients.withUnsafeMutableBufferPointer { gradients in
                        hessians.withUnsafeMutableBufferPointer { hessians in
                            losses.withUnsafeMutableBufferPointer { losses in
                                Parallel.run(chunks, parallel: configuration.parallel) { chunk in
                                    var loss = 0.0
                                    for row in chunk * chunkRows..<min(count, (chunk + 1) * chunkRows) {
                                        let p = Objective.sigmoid(margins[row])
                                        let label = labels[row]
                                        gradients[row] = p - label
                                        hessians[row] = max(p * (1 - p), 1e-16)
                                        let q = Double(min(max(p, 1e-15), 1 - 1e-15))
                                        loss -= label == 1 ? Foundation.log(q) : Foundation.log(1 - q)
                                    }
                                    losses[chunk] = loss
                                }
                            }
                        }
                    }
                }
            }
            return losses.reduce(0, +) / Double(count)
        default:
            var loss = 0.0
            for row in 0..<count {
                gradients[row] = margins[row] - data.labels[row]
                hessians[row] = 1
                loss += Double(gradients[row] * gradients[row])
            }
            return (loss / Double(count)).squareRoot()
        }
    }

    /// The validation metric of `margins` on `data`: AUC, RMSE, or NDCG@K as `lineup eval` has it.
    public func validationScore(_ data: TrainingData, margins: [Float]) -> Double {
        switch configuration.objective {
        case .binaryLogistic:
            return AUC.pooled(scores: margins.map(Double.init), positives: data.labels.map { $0 == 1 }) ?? 0.5
        case .rankNDCG:
            // The cut-off was validated, so the accumulator accepts it.
            guard var metrics = try? MetricsAccumulator(cutoffs: [configuration.cutoff]) else { return 0 }
            var start = 0
            for size in data.groups ?? [data.count] {
                metrics.add(
                    request: (start..<start + size).map {
                        JudgedItem(score: Double(margins[$0]), label: Int(data.labels[$0]), position: $0 - start + 1)
                    })
                start += size
            }
            return metrics.summary(auc: nil).cutoffs.first?.ndcg ?? 0
        default:
            var loss = 0.0
            for row in 0..<data.count {
                let error = Double(margins[row] - data.labels[row])
                loss += error * error
            }
            return (loss / Double(data.count)).squareRoot()
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
