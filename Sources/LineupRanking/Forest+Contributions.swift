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
        // 1/n for the path lengths that occur: the walk multiplies instead of dividing.
        let reciprocals = (0...(depth + 1)).map { $0 == 0 ? Float(0) : 1 / Float($0) }
        phi.withUnsafeMutableBufferPointer { phi in
            path.withUnsafeMutableBufferPointer { path in
                reciprocals.withUnsafeBufferPointer { reciprocals in
                    for (index, nodes) in shapNodes.enumerated() {
                        phi[featureCount] += meanValues[index][0]
                        nodes.withUnsafeBufferPointer { nodes in
                            let walk = ShapWalk(
                                nodes: nodes.baseAddress!, row: row.baseAddress!, phi: phi.baseAddress!,
                                reciprocals: reciprocals.baseAddress!)
                            walk.recurse(
                                node: 0, path: path.baseAddress!, uniqueDepth: 0, zeroFraction: 1, oneFraction: 1,
                                feature: -1)
                        }
                    }
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

/// A tree node as TreeSHAP reads it, all fields side by side.
struct ShapNode {
    var left: Int32
    var right: Int32
    var feature: Int32
    var defaultLeft: Bool
    /// The split condition, or a leaf's value.
    var threshold: Float
    var cover: Float

    static func nodes(of tree: Tree) -> [ShapNode] {
        (0..<tree.nodeCount).map {
            ShapNode(
                left: tree.left[$0], right: tree.right[$0], feature: tree.feature[$0], defaultLeft: tree.defaultLeft[$0],
                threshold: tree.threshold[$0], cover: tree.cover[$0])
        }
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
    let nodes: UnsafePointer<ShapNode>
    let row: UnsafePointer<Float>
    let phi: UnsafeMutablePointer<Float>
    /// `reciprocals[n]` = 1/n.
    let reciprocals: UnsafePointer<Float>

    func recurse(
        node index: Int, path parent: UnsafeMutablePointer<PathElement>, uniqueDepth: Int, zeroFraction: Float,
        oneFraction: Float, feature: Int32
    ) {
        // This level's copy of the path sits just after the parent's.
        let path = parent + uniqueDepth
        if uniqueDepth > 0 { path.update(from: parent, count: uniqueDepth) }
        var depth = uniqueDepth
        extend(path, depth, zeroFraction, oneFraction, feature)
        let node = nodes[index]

        if node.left < 0 {
            guard depth > 0 else { return }
            addLeaf(node.threshold, path: path, depth: depth)
            return
        }

        let value = row[Int(node.feature)]
        let goesLeft = value.isNaN ? node.defaultLeft : value < node.threshold
        let hot = Int(goesLeft ? node.left : node.right)
        let cold = Int(goesLeft ? node.right : node.left)
        let inverseCover = 1 / node.cover
        let hotZero = nodes[hot].cover * inverseCover
        let coldZero = nodes[cold].cover * inverseCover
        var incomingZero: Float = 1
        var incomingOne: Float = 1
        // A feature met again on the way down: undo its earlier split before redoing it.
        var seen = 1
        while seen <= depth && path[seen].feature != node.feature { seen += 1 }
        if seen <= depth {
            incomingZero = path[seen].zeroFraction
            incomingOne = path[seen].oneFraction
            unwind(path, depth, seen)
            depth -= 1
        }
        recurse(
            node: hot, path: path, uniqueDepth: depth + 1, zeroFraction: hotZero * incomingZero,
            oneFraction: incomingOne, feature: node.feature)
        recurse(
            node: cold, path: path, uniqueDepth: depth + 1, zeroFraction: coldZero * incomingZero, oneFraction: 0,
            feature: node.feature)
    }

    /// Adds a feature to the path, updating every permutation weight.
    @inline(__always)
    func extend(
        _ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zeroFraction: Float, _ oneFraction: Float,
        _ feature: Int32
    ) {
        path[depth] = PathElement(
            feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction, weight: depth == 0 ? 1 : 0)
        let inverseScale = reciprocals[depth + 1]
        var index = depth - 1
        while index >= 0 {
            path[index + 1].weight += oneFraction * path[index].weight * Float(index + 1) * inverseScale
            path[index].weight = zeroFraction * path[index].weight * Float(depth - index) * inverseScale
            index -= 1
        }
    }

    /// Removes the feature at `position` from the path, undoing `extend`.
    @inline(__always)
    func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ position: Int) {
        let one = path[position].oneFraction
        let zero = path[position].zeroFraction
        var nextOnePortion = path[depth].weight
        let scale = Float(depth + 1)
        let inverseScale = reciprocals[depth + 1]
        var index = depth - 1
        if one != 0 {
            let inverseOne = 1 / one
            while index >= 0 {
                let held = path[index].weight
                path[index].weight = nextOnePortion * scale * reciprocals[index + 1] * inverseOne
                nextOnePortion = held - path[index].weight * zero * Float(depth - index) * inverseScale
                index -= 1
            }
        } else {
            let inverseZero = 1 / zero
            while index >= 0 {
                path[index].weight = path[index].weight * scale * inverseZero * reciprocals[depth - index]
                index -= 1
            }
        }
        for index in position..<depth {
            path[index].feature = path[index + 1].feature
            path[index].zeroFraction = path[index + 1].zeroFraction
            path[index].oneFraction = path[index + 1].oneFraction
        }
    }

    /// Adds a leaf's share to every feature on the path. Each feature's share needs the
    /// path's total weight with that feature unwound. For a feature this row does not
    /// follow (one fraction 0) that total is one sum divided by its zero fraction, computed
    /// once per leaf. For the others it is a serial recurrence; eight of them run side by
    /// side in SIMD lanes, so the leaf waits on one chain of multiplications, not on one
    /// per feature.
    @inline(__always)
    func addLeaf(_ value: Float, path: UnsafeMutablePointer<PathElement>, depth: Int) {
        let scale = Float(depth + 1)
        let inverseScale = reciprocals[depth + 1]
        var coldSum: Float = 0
        for index in 0..<depth { coldSum += path[index].weight * scale * reciprocals[depth - index] }
        var position = 1
        while position <= depth {
            let lanes = min(8, depth - position + 1)
            var zero = SIMD8<Float>(), inverseOne = SIMD8<Float>()
            for lane in 0..<lanes {
                let element = path[position + lane]
                zero[lane] = element.zeroFraction
                if element.oneFraction != 0 { inverseOne[lane] = 1 / element.oneFraction }
            }
            // The walk `unwind` does, keeping only the sums; lanes of cold features get 0.
            var total = SIMD8<Float>()
            var nextOnePortion = SIMD8<Float>(repeating: path[depth].weight)
            var index = depth - 1
            while index >= 0 {
                let share = nextOnePortion * (scale * reciprocals[index + 1]) * inverseOne
                total += share
                nextOnePortion = path[index].weight - share * zero * (Float(depth - index) * inverseScale)
                index -= 1
            }
            for lane in 0..<lanes {
                let element = path[position + lane]
                let weight: Float
                if element.oneFraction != 0 {
                    weight = total[lane]
                } else {
                    weight = element.zeroFraction != 0 ? coldSum / element.zeroFraction : 0
                }
                phi[Int(element.feature)] += weight * (element.oneFraction - element.zeroFraction) * value
            }
            position += 8
        }
    }
}
