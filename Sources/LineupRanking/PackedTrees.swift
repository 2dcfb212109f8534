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

    /// Inner nodes, all trees one after another, breadth-first within each tree.
    private var feature: [Int32] = []
    private var threshold: [Float] = []
    /// 1 when a missing value goes left.
    private var missingLeft: [Int32] = []
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
            layout.append((depth, feature.count, leaves.count))
            let nodeBase = feature.count
            let leafBase = leaves.count
            feature += repeatElement(0, count: inner)
            threshold += repeatElement(.infinity, count: inner)
            missingLeft += repeatElement(1, count: inner)
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
                feature[nodeBase + slot] = tree.feature[node]
                threshold[nodeBase + slot] = tree.threshold[node]
                missingLeft[nodeBase + slot] = tree.defaultLeft[node] ? 1 : 0
                stack.append((Int(tree.left[node]), 2 * slot + 1, level + 1))
                stack.append((Int(tree.right[node]), 2 * slot + 2, level + 1))
            }
        }
    }

    /// Adds every tree's leaf value to `margins[r]` for each row `r`; rows are
    /// `featureCount` floats each, NaN for missing.
    func accumulate(rows: UnsafePointer<Float>, count: Int, featureCount: Int, into margins: UnsafeMutablePointer<Float>) {
        feature.withUnsafeBufferPointer { feature in
            threshold.withUnsafeBufferPointer { threshold in
                missingLeft.withUnsafeBufferPointer { missingLeft in
                    leaves.withUnsafeBufferPointer { leaves in
                        let feature = feature.baseAddress!
                        let threshold = threshold.baseAddress!
                        let missingLeft = missingLeft.baseAddress!
                        let leaves = leaves.baseAddress!
                        var first = 0
                        // Groups of eight rows; the rest one at a time.
                        while first + 8 <= count {
                            for tree in layout {
                                let values = Self.walkEight(
                                    rows: rows + first * featureCount, featureCount: featureCount, depth: tree.depth,
                                    feature: feature + tree.nodes, threshold: threshold + tree.nodes,
                                    missingLeft: missingLeft + tree.nodes, leaves: leaves + tree.leaves)
                                for lane in 0..<8 { margins[first + lane] += values[lane] }
                            }
                            first += 8
                        }
                        while first < count {
                            let row = rows + first * featureCount
                            for tree in layout {
                                var slot = 0
                                for _ in 0..<tree.depth {
                                    let node = tree.nodes + slot
                                    slot = Self.next(slot, row[Int(feature[node])], threshold[node], missingLeft[node])
                                }
                                margins[first] += leaves[tree.leaves + slot - ((1 << tree.depth) - 1)]
                            }
                            first += 1
                        }
                    }
                }
            }
        }
    }

    /// The child slot a value takes, without a branch: left when below the threshold, or
    /// when missing and the node sends missing values left.
    @inline(__always)
    private static func next(_ slot: Int, _ value: Float, _ threshold: Float, _ missingLeft: Int32) -> Int {
        let below = Int(truncatingIfNeeded: (value < threshold) ? 1 : 0)
        let missing = Int(truncatingIfNeeded: (value != value) ? 1 : 0)
        let goLeft = below | (missing & Int(missingLeft))
        return 2 * slot + 2 - goLeft
    }

    @inline(__always)
    private static func walkEight(
        rows: UnsafePointer<Float>, featureCount: Int, depth: Int, feature: UnsafePointer<Int32>,
        threshold: UnsafePointer<Float>, missingLeft: UnsafePointer<Int32>, leaves: UnsafePointer<Float>
    ) -> SIMD8<Float> {
        var s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0
        let r0 = rows, r1 = rows + featureCount, r2 = r1 + featureCount, r3 = r2 + featureCount
        let r4 = r3 + featureCount, r5 = r4 + featureCount, r6 = r5 + featureCount, r7 = r6 + featureCount
        for _ in 0..<depth {
            s0 = next(s0, r0[Int(feature[s0])], threshold[s0], missingLeft[s0])
            s1 = next(s1, r1[Int(feature[s1])], threshold[s1], missingLeft[s1])
            s2 = next(s2, r2[Int(feature[s2])], threshold[s2], missingLeft[s2])
            s3 = next(s3, r3[Int(feature[s3])], threshold[s3], missingLeft[s3])
            s4 = next(s4, r4[Int(feature[s4])], threshold[s4], missingLeft[s4])
            s5 = next(s5, r5[Int(feature[s5])], threshold[s5], missingLeft[s5])
            s6 = next(s6, r6[Int(feature[s6])], threshold[s6], missingLeft[s6])
            s7 = next(s7, r7[Int(feature[s7])], threshold[s7], missingLeft[s7])
        }
        let inner = (1 << depth) - 1
        return SIMD8(
            leaves[s0 - inner], leaves[s1 - inner], leaves[s2 - inner], leaves[s3 - inner],
            leaves[s4 - inner], leaves[s5 - inner], leaves[s6 - inner], leaves[s7 - inner])
    }
}
