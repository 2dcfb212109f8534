/// One regression tree, node by node, as XGBoost stores it: node 0 is the root, a node
/// whose left child is -1 is a leaf, and a row goes left when its value is below the
/// split condition (compared in Float32), or when it is missing and the node's default
/// direction is left.
///
/// This layout is what TreeSHAP walks and what model files are written from; batch scoring
/// uses `PackedTrees`, which lays the same trees out for speed.
public struct Tree: Sendable, Equatable {
    public var left: [Int32]
    public var right: [Int32]
    /// The feature a node splits on (unused for leaves).
    public var feature: [Int32]
    /// The split condition of an inner node, or the value of a leaf.
    public var threshold: [Float]
    public var defaultLeft: [Bool]
    /// The sum of the hessians of the training rows that reached each node: TreeSHAP's
    /// weights (XGBoost's `sum_hessian`).
    public var cover: [Float]
    /// Each split's gain in the training loss (XGBoost's `loss_changes`), when known: what
    /// gain importances add up. Not needed to score.
    public var gain: [Float]?

    public init(
        left: [Int32], right: [Int32], feature: [Int32], threshold: [Float], defaultLeft: [Bool], cover: [Float],
        gain: [Float]? = nil
    ) {
        self.left = left
        self.right = right
        self.feature = feature
        self.threshold = threshold
        self.defaultLeft = defaultLeft
        self.cover = cover
        self.gain = gain
    }

    public var nodeCount: Int { left.count }

    @inline(__always)
    public func isLeaf(_ node: Int) -> Bool { left[node] < 0 }

    /// The child a row takes at an inner node.
    @inline(__always)
    func child(of node: Int, row: UnsafePointer<Float>) -> Int {
        let value = row[Int(feature[node])]
        if value.isNaN { return Int(defaultLeft[node] ? left[node] : right[node]) }
        return Int(value < threshold[node] ? left[node] : right[node])
    }

    /// The leaf a row ends in.
    func leaf(for row: UnsafePointer<Float>) -> Int {
        var node = 0
        while !isLeaf(node) { node = child(of: node, row: row) }
        return node
    }

    /// Levels below the root of the deepest leaf (0 for a lone leaf).
    public var depth: Int {
        func depth(_ node: Int) -> Int {
            isLeaf(node) ? 0 : 1 + max(depth(Int(left[node])), depth(Int(right[node])))
        }
        return nodeCount == 0 ? 0 : depth(0)
    }

    /// Every node's cover-weighted mean leaf value: the expected output below it, which
    /// TreeSHAP's bias term needs.
    func meanValues() -> [Float] {
        var means = [Float](repeating: 0, count: nodeCount)
        func fill(_ node: Int) -> Float {
            if isLeaf(node) {
                means[node] = threshold[node]
            } else {
                let l = Int(left[node])
                let r = Int(right[node])
                means[node] = (fill(l) * cover[l] + fill(r) * cover[r]) / cover[node]
            }
            return means[node]
        }
        if nodeCount > 0 { _ = fill(0) }
        return means
    }

    /// Checks the arrays describe a tree: equal lengths, children in range, every node
    /// reached once from the root, and features below `featureCount`.
    func validate(featureCount: Int, index: Int) throws(RankingError) {
        let count = nodeCount
        guard count > 0, [right.count, feature.count, threshold.count, defaultLeft.count, cover.count, gain?.count ?? count]
            .allSatisfy({ $0 == count })
        else {
            throw .malformedModel("trees[\(index)]: node arrays are empty or of different lengths")
        }
        var seen = [Bool](repeating: false, count: count)
        var stack = [0]
        while let node = stack.popLast() {
            guard !seen[node] else { throw .malformedModel("trees[\(index)]: node \(node) is reached twice") }
            seen[node] = true
            if isLeaf(node) { continue }
            let children = [Int(left[node]), Int(right[node])]
            guard children.allSatisfy({ (1..<count).contains($0) }) else {
                throw .malformedModel("trees[\(index)]: node \(node) has a child out of range")
            }
            guard (0..<featureCount).contains(Int(feature[node])) else {
                throw .malformedModel(
                    "trees[\(index)]: node \(node) splits on feature \(feature[node]); the model has \(featureCount)")
            }
            stack += children
        }
        guard seen.allSatisfy({ $0 }) else { throw .malformedModel("trees[\(index)]: some nodes are not reachable") }
    }
}
