/// The forest laid out for batch scoring: each tree padded to a complete binary tree of
/// its own depth and stored level by level, so a row's path is pure arithmetic (child =
/// 2·node + 1 or + 2) with no child pointers to load and no branch to mispredict. A short
/// leaf is pushed down to the bottom level through pass-through nodes that send every row
/// the same way. Eight rows are walked through a tree at a time, so the loads of
/// independent paths overlap.
///
/// Missing values cost nothing per step: each group of rows is copied, feature-major,
/// twice — once with missing values as +∞ (which `x < threshold` sends right) and once as
/// −∞ (which it sends left) — and a node whose default direction is left reads the second
/// copy. Values and thresholds are stored as integers that order as the floats do (`key`),
/// so a step is one node load, one value load and a subtraction whose sign bit is the
/// direction: no compare for the compiler to turn into a branch, which it did to the float
/// version and which then mispredicted half the time. Non-missing values are the same in
/// both copies and keep their order, so rows go exactly where XGBoost's Float32 `x <
/// threshold` sends them.
///
/// The padding doubles the nodes per level, so trees deeper than `maxDepth` are not packed
/// and `Forest` walks them node by node instead; so are the rare trees with a threshold of
/// −∞ or NaN, which the −∞ copy would send the wrong way.
struct PackedTrees: Sendable {
    static let maxDepth = 12
    /// Rows walked through a tree together.
    static let lanes = 8

    /// An inner node in eight bytes: one load gives everything a step needs.
    struct Node {
        /// `key(threshold)`.
        var threshold: Int32
        /// Where the node's value sits in a group's block: (feature, or feature +
        /// `featureCount` when missing values go left) × `lanes`.
        var column: UInt32
    }

    private let featureCount: Int
    /// Inner nodes, all trees one after another, breadth-first within each tree.
    private var nodes: [Node] = []
    /// The bottom level of each tree, left to right.
    private var leaves: [Float] = []
    /// Per tree: depth, offset of its first inner node, offset of its first leaf.
    private var layout: [(depth: Int, nodes: Int, leaves: Int)] = []

    /// Packs `trees`, or returns nil when one cannot be packed.
    init?(_ trees: [Tree], featureCount: Int) {
        self.featureCount = featureCount
        let passThrough = Node(threshold: Self.key(.infinity), column: UInt32(featureCount * Self.lanes))
        for tree in trees {
            let depth = tree.depth
            guard depth <= Self.maxDepth else { return nil }
            let inner = (1 << depth) - 1
            layout.append((depth, nodes.count, leaves.count))
            let nodeBase = nodes.count
            let leafBase = leaves.count
            nodes += repeatElement(passThrough, count: inner)
            leaves += repeatElement(0, count: 1 << depth)
            // Walk the tree; `slot` is the node's position in the complete tree.
            var stack: [(node: Int, slot: Int, level: Int)] = [(0, 0, 0)]
            while let (node, slot, level) = stack.popLast() {
                if tree.isLeaf(node) {
                    // Every bottom-level slot below this one gets the leaf's value; the
                    // pass-through nodes above them (threshold +∞) send any row somewhere
                    // in that range.
                    let below = depth - level
                    let first = ((slot + 1) << below) - 1 - inner
                    for leaf in first..<(first + (1 << below)) { leaves[leafBase + leaf] = tree.threshold[node] }
                    continue
                }
                let threshold = tree.threshold[node]
                guard threshold > -.infinity else { return nil }
                let column = Int(tree.feature[node]) + (tree.defaultLeft[node] ? featureCount : 0)
                nodes[nodeBase + slot] = Node(threshold: Self.key(threshold), column: UInt32(column * Self.lanes))
                stack.append((Int(tree.left[node]), 2 * slot + 1, level + 1))
                stack.append((Int(tree.right[node]), 2 * slot + 2, level + 1))
            }
        }
    }

    /// Adds every tree's leaf value to `margins[r]` for each row `r`; rows are
    /// `featureCount` floats each, NaN for missing.
    func accumulate(rows: UnsafePointer<Float>, count: Int, into margins: UnsafeMutablePointer<Float>) {
        let lanes = Self.lanes
        let groupSize = 2 * featureCount * lanes
        // Blocks of up to eight groups of eight rows, walked tree by tree: a tree's few
        // hundred bytes stay in L1 while every group of the block goes through it.
        let blockGroups = 8
        let block = UnsafeMutablePointer<Int32>.allocate(capacity: groupSize * blockGroups)
        defer { block.deallocate() }
        nodes.withUnsafeBufferPointer { nodes in
            leaves.withUnsafeBufferPointer { leaves in
                let nodes = nodes.baseAddress!
                let leaves = leaves.baseAddress!
                var sums = [SIMD8<Float>](repeating: SIMD8(), count: blockGroups)
                var first = 0
                while first < count {
                    let rowsLeft = count - first
                    // A tail of fewer than eight rows walks one row at a time.
                    let groups = min(blockGroups, rowsLeft / lanes)
                    if groups == 0 {
                        fill(block, lane: 0, from: rows + first * featureCount)
                        for tree in layout {
                            var slot = 0
                            for _ in 0..<tree.depth { slot = Self.next(slot, nodes[tree.nodes + slot], block) }
                            margins[first] += leaves[tree.leaves + slot - ((1 << tree.depth) - 1)]
                        }
                        first += 1
                        continue
                    }
                    for group in 0..<groups {
                        for lane in 0..<lanes {
                            fill(block + group * groupSize, lane: lane, from: rows + (first + group * lanes + lane) * featureCount)
                        }
                    }
                    sums.withUnsafeMutableBufferPointer { sums in
                        for group in 0..<groups { sums[group] = SIMD8() }
                        for tree in layout {
                            for group in 0..<groups {
                                sums[group] += Self.walkEight(
                                    block: block + group * groupSize, depth: tree.depth, nodes: nodes + tree.nodes,
                                    leaves: leaves + tree.leaves)
                            }
                        }
                        for group in 0..<groups {
                            for lane in 0..<lanes { margins[first + group * lanes + lane] += sums[group][lane] }
                        }
                    }
                    first += groups * lanes
                }
            }
        }
    }

    /// Copies one row into `lane` of a group's block: both copies, feature-major.
    @inline(__always)
    private func fill(_ block: UnsafeMutablePointer<Int32>, lane: Int, from row: UnsafePointer<Float>) {
        let lanes = Self.lanes
        for feature in 0..<featureCount {
            let value = row[feature]
            let missing = value.isNaN
            block[feature * lanes + lane] = Self.key(missing ? .infinity : value)
            block[(featureCount + feature) * lanes + lane] = Self.key(missing ? -.infinity : value)
        }
    }

    /// An integer that orders as `value` does among non-NaN floats, with −0 equal to +0 as
    /// in a float comparison: the bits of a non-negative float already order as integers;
    /// a negative float's magnitude bits are flipped so that larger magnitudes come lower.
    @inline(__always)
    static func key(_ value: Float) -> Int32 {
        let bits = Int32(bitPattern: (value + 0).bitPattern)  // + 0 turns −0 into +0
        return bits < 0 ? bits ^ Int32.max : bits
    }

    /// The child slot lane `lane` of a block takes: left (2·slot + 1) when its value is
    /// below the threshold, which the block's copies make true for missing values that go
    /// left, else right (2·slot + 2). The difference of two 32-bit keys cannot overflow 64
    /// bits, and its sign, shifted down, is −1 exactly when the value is below.
    @inline(__always)
    private static func next(_ slot: Int, _ node: Node, _ block: UnsafePointer<Int32>, lane: Int = 0) -> Int {
        let value = block[Int(truncatingIfNeeded: node.column) &+ lane]
        return slot &* 2 &+ 2 &+ ((Int(value) &- Int(node.threshold)) &>> 63)
    }

    @inline(__always)
    private static func walkEight(
        block: UnsafePointer<Int32>, depth: Int, nodes: UnsafePointer<Node>, leaves: UnsafePointer<Float>
    ) -> SIMD8<Float> {
        var s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0
        for _ in 0..<depth {
            s0 = next(s0, nodes[s0], block, lane: 0)
            s1 = next(s1, nodes[s1], block, lane: 1)
            s2 = next(s2, nodes[s2], block, lane: 2)
            s3 = next(s3, nodes[s3], block, lane: 3)
            s4 = next(s4, nodes[s4], block, lane: 4)
            s5 = next(s5, nodes[s5], block, lane: 5)
            s6 = next(s6, nodes[s6], block, lane: 6)
            s7 = next(s7, nodes[s7], block, lane: 7)
        }
        let bottom = leaves - ((1 << depth) - 1)
        return SIMD8(
            bottom[s0], bottom[s1], bottom[s2], bottom[s3], bottom[s4], bottom[s5], bottom[s6], bottom[s7])
    }
}
