import Foundation
import LineupRanking

/// Gradient boosting of regression trees on histograms, laid out as the mature libraries
/// are: the objective gives each row a gradient and a hessian, `TreeBuilder` fits a tree to
/// them, the booster adds the tree and updates the margins. The result is a `Forest`,
/// which writes the XGBoost JSON that XGBoost itself loads.
///
/// Objectives: `binary:logistic`, `reg:squarederror`, and LambdaMART (`rank:ndcg`): per
/// query group, every pair of rows with different labels pulls the better one up and the
/// other down by σ(s_j − s_i) weighted by |ΔNDCG|, the change in the group's NDCG if the two
/// swapped places in the current order (gains 2^label − 1). One thread; subsampling, early
/// stopping and both cores come next (issue 6).
public struct Trainer: Sendable {
    public struct Configuration: Sendable {
        public var objective: Objective = .binaryLogistic
        public var rounds = 100
        public var maxDepth = 6
        public var learningRate: Float = 0.3
        /// L2 regularisation of leaf weights (XGBoost's `lambda`).
        public var lambda = 1.0
        /// Least loss reduction a split must bring (XGBoost's `gamma`, `min_split_loss`).
        public var gamma = 0.0
        /// Least hessian sum in a child (XGBoost's `min_child_weight`).
        public var minChildWeight = 1.0
        /// Bins per feature, missing values' own bin aside (XGBoost's `max_bin` is 256).
        public var maxBins = 255

        public init() {}

        func validate() throws(TrainingError) {
            guard [.binaryLogistic, .squaredError, .rankNDCG].contains(objective) else {
                throw .invalidParameter(
                    "objective \(objective.rawValue) is not trained yet (binary:logistic, reg:squarederror, rank:ndcg)")
            }
            guard rounds >= 1 else { throw .invalidParameter("rounds must be at least 1") }
            guard (1...12).contains(maxDepth) else { throw .invalidParameter("max_depth must be 1...12") }
            guard learningRate > 0, learningRate <= 1 else { throw .invalidParameter("learning_rate must be in (0, 1]") }
            guard lambda >= 0, gamma >= 0, minChildWeight >= 0 else {
                throw .invalidParameter("lambda, gamma and min_child_weight must not be negative")
            }
            guard (2...255).contains(maxBins) else { throw .invalidParameter("max_bin must be 2...255") }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Trains on `rows` (`featureCount` floats each, NaN for missing) and `labels` (0/1 for
    /// `binary:logistic`). `progress` hears each round's training loss.
    /// `groups` (for `rank:ndcg`): the sizes of consecutive query groups, summing to the rows.
    public func train(
        rows: [Float], labels: [Float], groups: [Int]? = nil, featureCount: Int, featureNames: [String]? = nil,
        progress: (_ round: Int, _ loss: Double) -> Void = { _, _ in }
    ) throws(TrainingError) -> Forest {
        try trainKeepingMargins(
            rows: rows, labels: labels, groups: groups, featureCount: featureCount, featureNames: featureNames,
            progress: progress
        ).forest
    }

    /// `train`, also returning the margins the booster reached on the training rows.
    func trainKeepingMargins(
        rows: [Float], labels: [Float], groups: [Int]? = nil, featureCount: Int, featureNames: [String]? = nil,
        progress: (_ round: Int, _ loss: Double) -> Void = { _, _ in }
    ) throws(TrainingError) -> (forest: Forest, margins: [Float]) {
        try configuration.validate()
        guard featureCount > 0, rows.count == labels.count * featureCount, !labels.isEmpty else {
            throw .invalidData("\(rows.count) values for \(labels.count) labels of \(featureCount) features")
        }
        guard labels.allSatisfy(\.isFinite) else { throw .invalidData("labels must be finite numbers") }
        let logistic = configuration.objective == .binaryLogistic
        if logistic, !labels.allSatisfy({ $0 == 0 || $0 == 1 }) {
            throw .invalidData("binary:logistic needs labels 0 or 1")
        }
        let count = labels.count
        let ranking = configuration.objective == .rankNDCG
        let groupSizes = groups ?? []
        if ranking {
            guard !groupSizes.isEmpty, groupSizes.allSatisfy({ $0 > 0 }), groupSizes.reduce(0, +) == count else {
                throw .invalidData("rank:ndcg needs query groups whose sizes add up to the \(count) rows")
            }
            guard labels.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 <= 31 }) else {
                throw .invalidData("rank:ndcg needs whole relevance labels in 0...31")
            }
        }
        let bins = FeatureBins(rows: rows, rowCount: count, featureCount: featureCount, maxBins: configuration.maxBins)
        let builder = TreeBuilder(
            bins: bins,
            parameters: .init(
                maxDepth: configuration.maxDepth, learningRate: configuration.learningRate, lambda: configuration.lambda,
                gamma: configuration.gamma, minChildWeight: configuration.minChildWeight))
        // The starting point XGBoost's boost_from_average takes: the mean label (a
        // probability for logistic models, kept away from 0 and 1).
        let mean = labels.reduce(0, +) / Float(count)
        let baseScore = logistic ? min(max(mean, 1e-6), 1 - 1e-6) : ranking ? 0 : mean
        let baseMargin = configuration.objective.margin(fromBaseScore: baseScore)
        var margins = [Float](repeating: baseMargin, count: count)
        var gradients = [Float](repeating: 0, count: count)
        var hessians = [Float](repeating: 0, count: count)
        let allRows = (0..<Int32(count)).map { $0 }
        var trees: [Tree] = []
        for round in 1...configuration.rounds {
            var loss = 0.0
            if ranking {
                loss = LambdaRank.gradients(
                    margins: margins, labels: labels, groups: groupSizes, gradients: &gradients, hessians: &hessians)
            } else {
            for row in 0..<count {
                if logistic {
                    let p = Objective.sigmoid(margins[row])
                    gradients[row] = p - labels[row]
                    hessians[row] = max(p * (1 - p), 1e-16)
                    let q = Double(min(max(p, 1e-15), 1 - 1e-15))
                    loss -= Double(labels[row]) * Foundation.log(q) + Double(1 - labels[row]) * Foundation.log(1 - q)
                } else {
                    gradients[row] = margins[row] - labels[row]
                    hessians[row] = 1
                    loss += Double(gradients[row] * gradients[row])
                }
            }
            }
            progress(round, ranking ? loss : logistic ? loss / Double(count) : (loss / Double(count)).squareRoot())
            let (tree, leafOfRow) = builder.build(gradients: gradients, hessians: hessians, rows: allRows)
            trees.append(tree)
            for row in 0..<count { margins[row] += leafOfRow[row] }
        }
        do {
            let forest = try Forest(
                objective: configuration.objective, featureCount: featureCount, featureNames: featureNames,
                baseScore: baseScore, trees: trees)
            return (forest, margins)
        } catch {
            throw .invalidData("the trained trees do not form a model: \(error)")
        }
    }
}
