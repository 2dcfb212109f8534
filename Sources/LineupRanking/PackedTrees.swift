/// The forest laid out for batch scoring: each tree padded to a complete binary tree of
/// its own depth and stored level by level, so a row's path is pure arithmetic (child =
/// 2·node + 1 or + 2) with no child pointers to load and no branch to mispredict. A short
/// leaf is pushed down to the bottom level through pass-through nodes that send every row
/// the same way. Rows are walked through a tree several at a time, so the loads of
/// independent paths overlap.
///
/// The padding doubles the nodes per level, so trees deeper than `maxDepth` are not packed
/// and `Forest` walks them node by node instead.
struct PackedTrees: Sendable {
    static let maxDepth = 12

    /// An inner node in eight bytes: one load gives everything a step needs.
    struct Node {
        var threshold: Float
        /// The feature in the low 31 bits; the top bit set when a missing value goes left.
        var featureAndMissingLeft: UInt32
    }

    /// Inner nodes, all trees one after another, breadth-first within each tree.
    private var nodes: [Node] = []
    /// The bottom level of each tree, left to right.
    private var leaves: [Float] = []
    /// Per tree: depth, offset of its first inner node, offset of its first leaf.
    private var layout: [(depth: Int, nodes: Int, leaves: Int)] = []

    /// Packs `trees`, or returns nil when one is too deep to pad.
    init?(_ trees: [Tree]) {
        for tree in trees {
            let depth = tree.depth
            guard depth <= Self.maxDepth else { return nil }
            let inner = (1 << depth) - 1
            layout.append((depth, nodes.count, leaves.count))
            let nodeBase = nodes.count
            let leafBase = leaves.count
            nodes += repeatElement(Node(threshold: .infinity, featureAndMissingLeft: 1 << 31), count: inner)
            leaves += repeatElement(0, count: 1 << depth)
            // Walk the tree; `slot` is the node's position in the complete tree.
            var stack: [(node: Int, slot: Int, level: Int)] = [(0, 0, 0)]
            while let (node, slot, level) = stack.popLast() {
                if tree.isLeaf(node) {
                    // Every bottom-level slot below this one gets the leaf's value; the
                    // pass-through nodes above them (threshold +inf, missing left) send
                    // any row, even +inf or NaN, somewhere in that range.
                    let below = depth - level
                    let first = ((slot + 1) << below) - 1 - inner
                    for leaf in first..<(first + (1 << below)) { leaves[leafBase + leaf] = tree.threshold[node] }
                    continue
                }
                nodes[nodeBase + slot] = Node(
                    threshold: tree.threshold[node],
                    featureAndMissingLeft: UInt32(tree.feature[node]) | (tree.defaultLeft[node] ? 1 << 31 : 0))
                stack.append((Int(tree.left[node]), 2 * slot + 1, level + 1))
                stack.append((Int(tree.right[node]), 2 * slot + 2, level + 1))
            }
        }
    }

    /// Adds every tree's leaf value to `margins[r]` for each row `r`; rows are
    /// `featureCount` floats each, NaN for missing.
    func accumulate(rows: UnsafePointer<Float>, count: Int, featureCount: Int, into margins: UnsafeMutablePointer<Float>) {
        nodes.withUnsafeBufferPointer { nodes in
            leaves.withUnsafeBufferPointer { leaves in
                let nodes = nodes.baseAddress!
                let leaves = leaves.baseAddress!
                var first = 0
                // Blocks of up to 64 rows, walked tree by tree: a tree's few hundred bytes stay
                // in L1 while every group of eight rows of the block goes through it.
                var sums = [SIMD8<Float>](repeating: SIMD8(), count: 8)
                while first + 8 <= count {
                    let groups = min(8, (count - first) / 8)
                    for group in 0..<groups { sums[group] = SIMD8() }
                    for tree in layout {
                        for group in 0..<groups {
                            sums[group] += Self.walkEight(
                                rows: rows + (first + group * 8) * featureCount, featureCount: featureCount,
                                depth: tree.depth, nodes: nodes + tree.nodes, leaves: leaves + tree.leaves)
                        }
                    }
                    for group in 0..<groups {
                        for lane in 0..<8 { margins[first + group * 8 + lane] += sums[group][lane] }
                    }
                    first += groups * 8
                }
                while first < count {
                    let row = rows + first * featureCount
                    for tree in layout {
                        var slot = 0
                        for _ in 0..<tree.depth { slot = Self.next(slot, nodes[tree.nodes + slot], row) }
                        margins[first] += leaves[tree.leaves + slot - ((1 << tree.depth) - 1)]
                    }
                    first += 1
                }
            }
        }
    }

    /// The child slot a row takes, without a branch: left when its value is below the
    /// threshold, or when it is missing and the node sends missing values left.
    @inline(__always)
    private static func next(_ slot: Int, _ node: Node, _ row: UnsafePointer<Float>) -> Int {
        let value = row[Int(truncatingIfNeeded: node.featureAndMissingLeft & 0x7FFF_FFFF)]
        let below = (value < node.threshold) ? 1 : 0
        let missingLeft = (value != value) ? Int(truncatingIfNeeded: node.featureAndMissingLeft >> 31) : 0
        return slot &* 2 &+ 2 &- (below | missingLeft)
    }

    @inline(__always)
    private static func walkEight(
        rows: UnsafePointer<Float>, featureCount: Int, depth: Int, nodes: UnsafePointer<Node>,
        leaves: UnsafePointer<Float>
    ) -> SIMD8<Float> {
        var s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0
        let r0 = rows, r1 = rows + featureCount, r2 = r1 + featureCount, r3 = r2 + featureCount
        let r4 = r3 + featureCount, r5 = r4 + featureCount, r6 = r5 + featureCount, r7 = r6 + featureCount
        for _ in 0..<depth {
            s0 = next(s0, nodes[s0], r0)
            s1 = next(s1, nodes[s1], r1)
            s2 = next(s2, nodes[s2], r2)
            s3 = next(s3, nodes[s3], r3)
            s4 = next(s4, nodes[s4], r4)
            s5 = next(s5, nodes[s5], r5)
            s6 = next(s6, nodes[s6], r6)
            s7 = next(s7, nodes[s7], r7)
        }
        let bottom = leaves - ((1 << depth) - 1)
        return SIMD8(
            bottom[s0], bottom[s1], bottom[s2], bottom[s3], bottom[s4], bottom[s5], bottom[s6], bottom[s7])
    }
}
