import LineupRanking

/// A tree as the learner grew it: XGBoost's node arrays for the model file, plus each
/// split's bin, so rows already binned (the rows a round left out, the validation rows)
/// are routed by integer compares instead of walking the written thresholds.
struct GrownTree: Sendable {
    var tree: Tree
    /// Per node: bins 1...splitBin go left (unused for leaves).
    var splitBin: [UInt8]

    /// The value of the leaf `row` of `bins` reaches.
    func value(row: Int, in bins: FeatureBins) -> Float {
        var node = 0
        while tree.left[node] >= 0 {
            let bin = bins.bin(row: row, feature: Int(tree.feature[node]))
            let goesLeft = bin == 0 ? tree.defaultLeft[node] : bin <= Int(splitBin[node])
            node = Int(goesLeft ? tree.left[node] : tree.right[node])
        }
        return tree.threshold[node]
    }
}
