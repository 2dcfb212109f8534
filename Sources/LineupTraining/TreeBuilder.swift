import LineupRanking

/// Grows one regression tree on gradients and hessians, depth by depth, from histograms of
/// the binned features: the tree learner of XGBoost's `hist` method with its default
/// `depthwise` growth.
///
/// A node's best split maximises the loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
/// (XGBoost's `loss_chg`, twice the drop in the regularised objective) over the tree's
/// features, every bin boundary and both directions for missing values; it is made when that
/// exceeds `gamma` (XGBoost's `min_split_loss`) and both children keep a hessian sum of at
/// least `minChildWeight`. A leaf is worth −η · G/(H+λ). Of two children, only the smaller
/// one's histogram is summed from its rows; the other is the parent's minus it. With
/// `maxLeaves`, nodes are split in the order depth-wise growth reaches them until the tree
/// has that many leaves.
struct TreeBuilder {
    struct Parameters: Sendable {
        var maxDepth: Int
        /// 0: no limit beyond the depth's.
        var maxLeaves = 0
        var learningRate: Float
        var lambda: Double
        var gamma: Double
        var minChildWeight: Double
        /// Sum large nodes' histograms on every core.
        var parallel = true
    }

    let bins: FeatureBins
    let parameters: Parameters
    /// Where each feature's bins start in a histogram: features end to end, each taking as
    /// many slots as it has bins (a wide, sparse table of 300 features of a few values each
    /// then makes small histograms).
    private let offsets: [Int32]
    private let slots: Int
    /// Row-major, each row's bins side by side: the histogram pass reads a row's gradient
    /// once, then its bins, one cache line for up to 64 features.
    private let rowBins: [UInt8]

    init(bins: FeatureBins, parameters: Parameters) {
        self.bins = bins
        self.parameters = parameters
        let rows = bins.rowCount, width = bins.featureCount
        var rowBins = [UInt8](repeating: 0, count: rows * width)
        bins.bins.withUnsafeBufferPointer { columns in
            rowBins.withUnsafeMutableBufferPointer { rowBins in
                Parallel.run(width, parallel: parameters.parallel) { feature in
                    for row in 0..<rows { rowBins[row * width + feature] = columns[feature * rows + row] }
                }
            }
        }
        self.rowBins = rowBins
        var offsets: [Int32] = []
        var total = 0
        for feature in 0..<width {
            offsets.append(Int32(total))
            total += bins.binCount(feature)
        }
        self.offsets = offsets
        slots = total
    }

    struct Split {
        var feature: Int
        /// Bins 1...bin go left.
        var bin: Int
        var missingLeft: Bool
        var gain: Double
        /// The left child's sums; the right's are the parent's minus these.
        var leftG: Double
        var leftH: Double
    }

    /// The node layout of the tree under construction, XGBoost's arrays.
    private struct Nodes {
        var left: [Int32] = []
        var right: [Int32] = []
        var feature: [Int32] = []
        var threshold: [Float] = []
        var defaultLeft: [Bool] = []
        var cover: [Float] = []
        var gain: [Float] = []
        var splitBin: [UInt8] = []

        mutating func add() -> Int {
            left.append(-1); right.append(-1); feature.append(0); threshold.append(0)
            defaultLeft.append(false); cover.append(0); gain.append(0); splitBin.append(0)
            return left.count - 1
        }
    }

    /// A node of the depth being grown: its rows, their histogram and sums.
    private struct Open {
        var node: Int
        var rows: [Int32]
        var histogram: Histogram
        var g: Double
        var h: Double
    }

    /// The tree grown from `rows` (the rows this round learns from) on `features` (the
    /// features this tree may split on, ascending), and the leaf value each of those rows
    /// reached, indexed by row (other rows are left at 0).
    ///
    /// A depth is grown in three passes, each shared across the cores by node (and the
    /// histograms also by chunk of rows): find every node's best split, send every split
    /// node's rows left or right, sum the smaller children's histograms.
    func build(gradients: [Float], hessians: [Float], rows: [Int32], features: [Int]) -> (GrownTree, [Float]) {
        var nodes = Nodes()
        var leafOfRow = [Float](repeating: 0, count: bins.rowCount)
        var g = 0.0, h = 0.0
        for row in rows { g += Double(gradients[Int(row)]); h += Double(hessians[Int(row)]) }
        let root = histograms(of: [rows], gradients, hessians)[0]
        var level = [Open(node: nodes.add(), rows: rows, histogram: root, g: g, h: h)]
        var leaves = 1
        for depth in 0...parameters.maxDepth {
            var splits = [Split?](repeating: nil, count: level.count)
            if depth < parameters.maxDepth {
                // Every node's features in groups of eight, each group a task: the root alone
                // keeps both cores busy. A node takes the first of its groups' best splits
                // with the largest gain, as one pass over its features in order would.
                let groups = stride(from: 0, to: features.count, by: 8).map { Array(features[$0..<min(features.count, $0 + 8)]) }
                var candidates = [Split?](repeating: nil, count: level.count * groups.count)
                candidates.withUnsafeMutableBufferPointer { candidates in
                    Parallel.run(candidates.count, parallel: parameters.parallel) { task in
                        let open = level[task / groups.count]
                        candidates[task] = bestSplit(open.histogram, g: open.g, h: open.h, features: groups[task % groups.count])
                    }
                }
                for index in level.indices {
                    for candidate in candidates[(index * groups.count)..<((index + 1) * groups.count)] {
                        if let candidate, candidate.gain > (splits[index]?.gain ?? -.infinity) { splits[index] = candidate }
                    }
                }
            }
            // Depth-wise order decides which nodes split when leaves are capped.
            var splitting: [(open: Int, split: Split)] = []
            for (index, open) in level.enumerated() {
                nodes.cover[open.node] = Float(open.h)
                if let split = splits[index], parameters.maxLeaves == 0 || leaves < parameters.maxLeaves {
                    leaves += 1
                    splitting.append((index, split))
                } else {
                    let value = Float(-open.g / (open.h + parameters.lambda)) * parameters.learningRate
                    nodes.threshold[open.node] = value
                    for row in open.rows { leafOfRow[Int(row)] = value }
                }
            }
            if splitting.isEmpty { break }
            var children = [(left: [Int32], right: [Int32])](repeating: ([], []), count: splitting.count)
            children.withUnsafeMutableBufferPointer { children in
                Parallel.run(splitting.count, parallel: parameters.parallel && splitting.count > 1) { index in
                    children[index] = partition(level[splitting[index].open].rows, by: splitting[index].split)
                }
            }
            // Children at the last depth stay leaves: their histograms would never be read.
            let lastDepth = depth + 1 == parameters.maxDepth
            let smaller = lastDepth
                ? []
                : histograms(of: children.map { $0.left.count <= $0.right.count ? $0.left : $0.right }, gradients, hessians)
            var next: [Open] = []
            for (index, (open, split)) in splitting.enumerated() {
                let parent = level[open]
                let leftNode = nodes.add(), rightNode = nodes.add()
                nodes.left[parent.node] = Int32(leftNode)
                nodes.right[parent.node] = Int32(rightNode)
                nodes.feature[parent.node] = Int32(split.feature)
                // The missing-against-present splits end at ±∞, which JSON cannot hold: the
                // largest finite floats send every present value the same way.
                let upper = bins.upper[split.feature][split.bin]
                nodes.threshold[parent.node] = upper.isFinite ? upper : upper < 0 ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude
                nodes.defaultLeft[parent.node] = split.missingLeft
                nodes.gain[parent.node] = Float(split.gain)
                nodes.splitBin[parent.node] = UInt8(split.bin)
                // The smaller child was summed; the sibling is the parent minus it.
                let (leftRows, rightRows) = children[index]
                let small = lastDepth ? Histogram(slots: 0) : smaller[index]
                let large = lastDepth ? small : small.subtracted(from: parent.histogram)
                let smallIsLeft = leftRows.count <= rightRows.count
                next.append(
                    Open(
                        node: leftNode, rows: leftRows, histogram: smallIsLeft ? small : large,
                        g: split.leftG, h: split.leftH))
                next.append(
                    Open(
                        node: rightNode, rows: rightRows, histogram: smallIsLeft ? large : small,
                        g: parent.g - split.leftG, h: parent.h - split.leftH))
            }
            level = next
        }
        let tree = Tree(
            left: nodes.left, right: nodes.right, feature: nodes.feature, threshold: nodes.threshold,
            defaultLeft: nodes.defaultLeft, cover: nodes.cover, gain: nodes.gain)
        return (GrownTree(tree: tree, splitBin: nodes.splitBin), leafOfRow)
    }

    /// A node's rows, in order, split by where `split` sends them. Large nodes are split in
    /// chunks across the cores and the pieces joined in order: the same lists either way.
    private func partition(_ rows: [Int32], by split: Split) -> (left: [Int32], right: [Int32]) {
        let chunkRows = 32_768
        guard rows.count > chunkRows, parameters.parallel else {
            return rows.withUnsafeBufferPointer { partition($0, by: split) }
        }
        let chunks = (rows.count + chunkRows - 1) / chunkRows
        var pieces = [(left: [Int32], right: [Int32])](repeating: ([], []), count: chunks)
        pieces.withUnsafeMutableBufferPointer { pieces in
            rows.withUnsafeBufferPointer { rows in
                Parallel.run(chunks, parallel: true) { chunk in
                    let range = chunk * chunkRows..<min(rows.count, (chunk + 1) * chunkRows)
                    pieces[chunk] = partition(UnsafeBufferPointer(rebasing: rows[range]), by: split)
                }
            }
        }
        return (pieces.flatMap(\.left), pieces.flatMap(\.right))
    }

    private func partition(_ rows: UnsafeBufferPointer<Int32>, by split: Split) -> (left: [Int32], right: [Int32]) {
        // Both sides written every time and the one that keeps the row advanced: no branch
        // for the processor to mispredict on a split that halves the rows at random.
        var left = [Int32](repeating: 0, count: rows.count), right = [Int32](repeating: 0, count: rows.count)
        var leftCount = 0, rightCount = 0
        let missingBin = split.missingLeft ? Int(split.bin) : 255
        bins.bins.withUnsafeBufferPointer { columns in
            let column = columns.baseAddress! + split.feature * bins.rowCount
            left.withUnsafeMutableBufferPointer { left in
                right.withUnsafeMutableBufferPointer { right in
                    for row in rows {
                        // Missing values (bin 0) take the split bin itself when they go left.
                        let bin = Int(column[Int(row)])
                        let goesLeft = (bin == 0 ? missingBin : bin) <= split.bin ? 1 : 0
                        left[leftCount] = row
                        right[rightCount] = row
                        leftCount += goesLeft
                        rightCount += 1 - goesLeft
                    }
                }
            }
        }
        left.removeLast(rows.count - leftCount)
        right.removeLast(rows.count - rightCount)
        return (left, right)
    }

    /// The histograms of several nodes' rows, summed together across the cores.
    func histograms(of nodes: [[Int32]], _ gradients: [Float], _ hessians: [Float]) -> [Histogram] {
        gradients.withUnsafeBufferPointer { gradients in
            hessians.withUnsafeBufferPointer { hessians in
                Histogram.sums(
                    of: nodes, rowBins: rowBins, width: bins.featureCount, offsets: offsets, slots: slots,
                    gradients: gradients, hessians: hessians,
                    parallel: parameters.parallel)
            }
        }
    }

    /// The best split of a node with gradient sum `g` and hessian sum `h`, or nil when no
    /// split gains more than `gamma`.
    func bestSplit(_ histogram: Histogram, g: Double, h: Double, features: [Int]) -> Split? {
        let lambda = parameters.lambda, minChildWeight = parameters.minChildWeight
        let parentScore = g * g / (h + lambda)
        var best: Split?
        var bestGain = parameters.gamma
        histogram.sums.withUnsafeBufferPointer { sums in
            for feature in features {
                let offset = Int(offsets[feature])
                let count = bins.binCount(feature)
                let missing = sums[offset]
                var left = SIMD2<Double>.zero
                // Without missing values in the node both directions give the same split.
                let directions = missing.y == 0 && missing.x == 0 ? 1 : 2
                if directions == 2 {
                    // As XGBoost's hist: the missing values alone on one side, every present
                    // value on the other (bin 0 with missing left; the last bin with missing right).
                    for (bin, missingLeft) in [(0, true), (count - 1, false)] {
                        let gl = missingLeft ? missing.x : g - missing.x, hl = missingLeft ? missing.y : h - missing.y
                        let gr = g - gl, hr = h - hl
                        guard hl >= minChildWeight, hr >= minChildWeight else { continue }
                        let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                        if gain > bestGain {
                            bestGain = gain
                            best = Split(feature: feature, bin: bin, missingLeft: missingLeft, gain: gain, leftG: gl, leftH: hl)
                        }
                    }
                }
                // Boundaries after bins 1...count−2: the last bin always has a right side empty.
                for bin in 1..<max(1, count - 1) {
                    left += sums[offset + bin]
                    for direction in 0..<directions {
                        let missingLeft = direction == 1
                        let gl = left.x + (missingLeft ? missing.x : 0), hl = left.y + (missingLeft ? missing.y : 0)
                        let gr = g - gl, hr = h - hl
                        guard hl >= minChildWeight, hr >= minChildWeight else { continue }
                        let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                        if gain > bestGain {
                            bestGain = gain
                            best = Split(feature: feature, bin: bin, missingLeft: missingLeft, gain: gain, leftG: gl, leftH: hl)
                        }
                    }
                }
            }
        }
        return best
    }
}
