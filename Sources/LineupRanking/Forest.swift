/// A gradient-boosted forest: the model of stage 2.
///
/// A row's margin is the base margin plus one leaf value per tree; the objective turns it
/// into a prediction. Trees are kept node by node (for TreeSHAP and for writing the model
/// back) and, for batch scoring, packed level by level (`PackedTrees`).
public struct Forest: Sendable {
    public let objective: Objective
    /// Features per row, in the order the model was trained on.
    public let featureCount: Int
    /// The names the model was trained with, when its file carries them.
    public let featureNames: [String]?
    /// `base_score` as XGBoost stores it (a probability for logistic objectives).
    public let baseScore: Float
    public let trees: [Tree]
    /// A ranking model's LambdaMART settings and position bias, when its file carries them.
    public let lambdaRank: LambdaRankParameters?
    /// The starting margin every row gets before the trees.
    public let baseMargin: Float
    private let packed: PackedTrees?
    /// Per tree, each node's cover-weighted mean value (for TreeSHAP).
    let meanValues: [[Float]]
    /// Per tree, the nodes as TreeSHAP walks them.
    let shapNodes: [[ShapNode]]
    let maxDepth: Int

    public init(
        objective: Objective, featureCount: Int, featureNames: [String]? = nil, baseScore: Float, trees: [Tree],
        lambdaRank: LambdaRankParameters? = nil
    ) throws(RankingError) {
        guard featureCount >= 0 else { throw .malformedModel("a negative number of features") }
        if let featureNames, featureNames.count != featureCount {
            throw .malformedModel("\(featureNames.count) feature names for \(featureCount) features")
        }
        guard baseScore.isFinite, !objective.isLogistic || (baseScore > 0 && baseScore < 1) else {
            throw .malformedModel("base_score \(baseScore) is out of range for \(objective.rawValue)")
        }
        for (index, tree) in trees.enumerated() { try tree.validate(featureCount: featureCount, index: index) }
        self.objective = objective
        self.featureCount = featureCount
        self.featureNames = featureNames
        self.baseScore = baseScore
        self.trees = trees
        self.lambdaRank = objective.isRanking ? lambdaRank : nil
        baseMargin = objective.margin(fromBaseScore: baseScore)
        packed = PackedTrees(trees, featureCount: featureCount)
        meanValues = trees.map { $0.meanValues() }
        shapNodes = trees.map(ShapNode.nodes)
        maxDepth = trees.map(\.depth).max() ?? 0
    }

    /// Raw margins of `count` rows stored one after another (`featureCount` floats each,
    /// NaN for a missing value): what XGBoost's `predict(output_margin=True)` returns.
    public func margins(rows: UnsafeBufferPointer<Float>) throws(RankingError) -> [Float] {
        let count = try rowCount(rows)
        var margins = [Float](repeating: baseMargin, count: count)
        guard count > 0, let base = rows.baseAddress else { return margins }
        margins.withUnsafeMutableBufferPointer { out in
            if let packed {
                packed.accumulate(rows: base, count: count, into: out.baseAddress!)
            } else {
                for row in 0..<count {
                    let values = base + row * featureCount
                    for tree in trees { out[row] += tree.threshold[tree.leaf(for: values)] }
                }
            }
        }
        return margins
    }

    /// Predictions as XGBoost's `predict` returns them (probabilities for logistic
    /// objectives, margins otherwise).
    public func predictions(rows: UnsafeBufferPointer<Float>) throws(RankingError) -> [Float] {
        try margins(rows: rows).map(objective.prediction(fromMargin:))
    }

    func rowCount(_ rows: UnsafeBufferPointer<Float>) throws(RankingError) -> Int {
        if featureCount == 0 { return 0 }
        guard rows.count % featureCount == 0 else {
            throw .wrongFeatureCount(expected: featureCount, got: rows.count % featureCount)
        }
        return rows.count / featureCount
    }
}
