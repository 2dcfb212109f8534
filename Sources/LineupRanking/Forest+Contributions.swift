extension Forest {
    /// Exact path-dependent TreeSHAP contributions of one row (Lundberg, Erion and Lee,
    /// "Consistent individualized feature attribution for tree ensembles", algorithm 2),
    /// laid out as XGBoost's `predict(pred_contribs=True)`: one value per feature, then
    /// the bias (the base margin plus each tree's expected value). They sum to the margin.
    public func contributions(row: UnsafeBufferPointer<Float>) throws(RankingError) -> [Float] {
        guard row.count == featureCount else { throw .wrongFeatureCount(expected: featureCount, got: row.count) }
        var phi = [Float](repeating: 0, count: featureCount + 1)
        phi[featureCount] = baseMargin
        // One path buffer for every tree: each recursion level works on its own slice.
        let depth = maxDepth + 2
        var path = [PathElement](repeating: PathElement(), count: depth * (depth + 1) / 2)
        phi.withUnsafeMutableBufferPointer { phi in
            path.withUnsafeMutableBufferPointer { path in
                for (index, tree) in trees.enumerated() {
                    phi[featureCount] += meanValues[index][0]
                    var walk = ShapWalk(tree: tree, row: row.baseAddress!, phi: phi.baseAddress!)
                    walk.recurse(
                        node: 0, path: path.baseAddress!, uniqueDepth: 0, zeroFraction: 1, oneFraction: 1, feature: -1)
                }
            }
        }
        return phi
    }

    /// Contributions of many rows stored one after another.
    public func contributions(rows: UnsafeBufferPointer<Float>) throws(RankingError) -> [[Float]] {
        let count = try rowCount(rows)
        var result: [[Float]] = []
        result.reserveCapacity(count)
        for row in 0..<count {
            result.append(try contributions(row: UnsafeBufferPointer(rebasing: rows[(row * featureCount)..<((row + 1) * featureCount)])))
        }
        return result
    }
}

/// One feature on the path from the root: the fraction of rows that would follow the path
/// without knowing it (zero), whether this row follows it (one), and the permutation weight.
struct PathElement {
    var feature: Int32 = -1
    var zeroFraction: Float = 0
    var oneFraction: Float = 0
    var weight: Float = 0
}

/// The recursion of TreeSHAP over one tree for one row, adding into `phi`.
private struct ShapWalk {
    let tree: Tree
    let row: UnsafePointer<Float>
    let phi: UnsafeMutablePointer<Float>

    mutating func recurse(
        node: Int, path parent: UnsafeMutablePointer<PathElement>, uniqueDepth: Int, zeroFraction: Float,
        oneFraction: Float, feature: Int32
    ) {
        // This level's copy of the path sits just after the parent's.
        let path = parent + uniqueDepth
        if uniqueDepth > 0 { path.update(from: parent, count: uniqueDepth) }
        var depth = uniqueDepth
        Self.extend(path, depth, zeroFraction, oneFraction, feature)

        if tree.isLeaf(node) {
            guard depth > 0 else { return }
            let value = tree.threshold[node]
            for index in 1...depth {
                let weight = Self.unwoundSum(path, depth, index)
                let element = path[index]
                phi[Int(element.feature)] += weight * (element.oneFraction - element.zeroFraction) * value
            }
            return
        }

        let split = tree.feature[node]
        let hot = tree.child(of: node, row: row)
        let cold = hot == Int(tree.left[node]) ? Int(tree.right[node]) : Int(tree.left[node])
        let cover = tree.cover[node]
        let hotZero = tree.cover[hot] / cover
        let coldZero = tree.cover[cold] / cover
        var incomingZero: Float = 1
        var incomingOne: Float = 1
        // A feature met again on the way down: undo its earlier split before redoing it.
        if depth > 0, let seen = (1...depth).first(where: { path[$0].feature == split }) {
            incomingZero = path[seen].zeroFraction
            incomingOne = path[seen].oneFraction
            Self.unwind(path, depth, seen)
            depth -= 1
        }
        recurse(
            node: hot, path: path, uniqueDepth: depth + 1, zeroFraction: hotZero * incomingZero,
            oneFraction: incomingOne, feature: split)
        recurse(
            node: cold, path: path, uniqueDepth: depth + 1, zeroFraction: coldZero * incomingZero, oneFraction: 0,
            feature: split)
    }

    /// Adds a feature to the path, updating every permutation weight.
    static func extend(
        _ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zeroFraction: Float, _ oneFraction: Float,
        _ feature: Int32
    ) {
        path[depth] = PathElement(
            feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction, weight: depth == 0 ? 1 : 0)
        let scale = Float(depth + 1)
        var index = depth - 1
        while index >= 0 {
            path[index + 1].weight += oneFraction * path[index].weight * Float(index + 1) / scale
            path[index].weight = zeroFraction * path[index].weight * Float(depth - index) / scale
            index -= 1
        }
    }

    /// Removes the feature at `position` from the path, undoing `extend`.
    static func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ position: Int) {
        let one = path[position].oneFraction
        let zero = path[position].zeroFraction
        var nextOnePortion = path[depth].weight
        let scale = Float(depth + 1)
        var index = depth - 1
        while index >= 0 {
            if one != 0 {
                let held = path[index].weight
                path[index].weight = nextOnePortion * scale / (Float(index + 1) * one)
                nextOnePortion = held - path[index].weight * zero * Float(depth - index) / scale
            } else {
                path[index].weight = path[index].weight * scale / (zero * Float(depth - index))
            }
            index -= 1
        }
        for index in position..<depth {
            path[index].feature = path[index + 1].feature
            path[index].zeroFraction = path[index + 1].zeroFraction
            path[index].oneFraction = path[index + 1].oneFraction
        }
    }

    /// The total permutation weight the path would have without the feature at `position`.
    static func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ position: Int) -> Float {
        let one = path[position].oneFraction
        let zero = path[position].zeroFraction
        var nextOnePortion = path[depth].weight
        var total: Float = 0
        let scale = Float(depth + 1)
        var index = depth - 1
        while index >= 0 {
            if one != 0 {
                let share = nextOnePortion * scale / (Float(index + 1) * one)
                total += share
                nextOnePortion = path[index].weight - share * zero * (Float(depth - index) / scale)
            } else if zero != 0 {
                total += (path[index].weight / zero) / (Float(depth - index) / scale)
            }
            index -= 1
        }
        return total
    }
}
