import LineupRanking
import Testing

@Suite struct ForestTests {
    /// A chain of splits `depth` deep: node i splits feature i % 3 at i; its left child is a
    /// leaf worth i, its right child the next split; the last right child is worth -1.
    static func chain(depth: Int) -> Tree {
        var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], threshold: [Float] = []
        var defaultLeft: [Bool] = [], cover: [Float] = []
        // Nodes: splits 0..<depth at even slots, leaves after.
        for level in 0..<depth {
            let split = 2 * level
            left.append(Int32(split + 1))
            right.append(Int32(level == depth - 1 ? split + 2 : split + 2))
            feature.append(Int32(level % 3))
            threshold.append(Float(level))
            defaultLeft.append(level % 2 == 0)
            cover.append(Float(100 - level))
            // the left leaf
            left.append(-1); right.append(-1); feature.append(0); threshold.append(Float(level))
            defaultLeft.append(false); cover.append(1)
        }
        left.append(-1); right.append(-1); feature.append(0); threshold.append(-1); defaultLeft.append(false); cover.append(1)
        return Tree(left: left, right: right, feature: feature, threshold: threshold, defaultLeft: defaultLeft, cover: cover)
    }

    /// Packed (≤ 12 levels) and node-by-node (deeper) scoring agree with a plain walk,
    /// including missing values and values exactly on a threshold.
    @Test(arguments: [3, 12, 13, 20])
    func everyLayoutScoresLikeAPlainWalk(_ depth: Int) throws {
        let tree = Self.chain(depth: depth)
        let forest = try Forest(objective: .squaredError, featureCount: 3, baseScore: 0.5, trees: [tree, tree])
        var rows: [Float] = []
        for a in [-1, 0, 1, 2.5, 7, 19, Float.nan] {
            for b in [0, 3, 12, Float.nan] { rows += [a, b, a == a ? a + 1 : .nan] }
        }
        try expectPlainWalk(forest, tree, rows)
    }

    /// The packed layout compares integer keys, not floats: rows must still go where a
    /// Float32 `x < threshold` sends them at the edges of the float order (±0, subnormals,
    /// infinities, the largest finite values), with blocks of eight rows and a tail.
    @Test func edgesOfTheFloatOrderGoWhereFloatComparisonSendsThem() throws {
        let edges: [Float] = [
            -.infinity, -.greatestFiniteMagnitude, -2.5, -.leastNormalMagnitude, -.leastNonzeroMagnitude, -0.0, 0,
            .leastNonzeroMagnitude, .leastNormalMagnitude, 1, .greatestFiniteMagnitude, .infinity, .nan,
        ]
        var tree = Self.chain(depth: 6)
        let thresholds: [Float] = [-0.0, -.leastNonzeroMagnitude, 0, .leastNonzeroMagnitude, -2.5, .greatestFiniteMagnitude]
        for (level, threshold) in thresholds.enumerated() { tree.threshold[2 * level] = threshold }
        let forest = try Forest(objective: .squaredError, featureCount: 3, baseScore: 0.5, trees: [tree, tree])
        var rows: [Float] = []
        for a in edges { for b in edges { rows += [a, b, -a] } }
        try expectPlainWalk(forest, tree, rows)
    }

    /// Margins equal a node-by-node walk of `tree` (the forest holds it twice).
    func expectPlainWalk(_ forest: Forest, _ tree: Tree, _ rows: [Float]) throws {
        let margins = try rows.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        for row in 0..<(rows.count / 3) {
            var node = 0
            while tree.left[node] >= 0 {
                let value = rows[row * 3 + Int(tree.feature[node])]
                let goLeft = value.isNaN ? tree.defaultLeft[node] : value < tree.threshold[node]
                node = Int(goLeft ? tree.left[node] : tree.right[node])
            }
            #expect(margins[row] == 0.5 + 2 * tree.threshold[node], "row \(rows[(row * 3)..<(row * 3 + 3)])")
        }
    }

    @Test func contributionsSumToTheMargin() throws {
        let forest = try Forest(objective: .binaryLogistic, featureCount: 3, baseScore: 0.3, trees: [Self.chain(depth: 5)])
        let row: [Float] = [2.5, .nan, 0]
        let contributions = try row.withUnsafeBufferPointer { try forest.contributions(row: $0) }
        let margin = try row.withUnsafeBufferPointer { try forest.margins(rows: $0) }[0]
        #expect(abs(contributions.reduce(0, +) - margin) < 1e-5)
    }

    @Test func treesThatAreNotTreesAreRefused() {
        var tree = Self.chain(depth: 2)
        tree.left[0] = 0
        #expect(throws: RankingError.self) { try Forest(objective: .squaredError, featureCount: 3, baseScore: 0, trees: [tree]) }
        #expect(throws: RankingError.self) {
            try Forest(objective: .squaredError, featureCount: 1, baseScore: 0, trees: [Self.chain(depth: 3)])
        }
        #expect(throws: RankingError.self) {
            try Forest(objective: .binaryLogistic, featureCount: 3, baseScore: 1.5, trees: [Self.chain(depth: 3)])
        }
    }
}
