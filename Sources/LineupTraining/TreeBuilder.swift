import LineupRanking

/// Grows one regression tree on gradients and hessians, depth by depth, from histograms of
/// the binned features: the tree learner of XGBoost's `hist` method.
///
/// A node's best split maximises the loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
/// (XGBoost's `loss_chg`, twice the drop in the regularised objective) over every feature,
/// every bin boundary and both directions for missing values; it is made when that exceeds
/// `gamma` (XGBoost's `min_split_loss`) and both
/// children keep a hessian sum of at least `minChildWeight`. A leaf is worth
/// −η · G/(H+λ). Of two children, only the smaller one's histogram is summed from its rows;
/// the other is the parent's minus it.
struct TreeBuilder {
    struct Parameters: Sendable {
        var maxDepth: Int
        var learningRate: Float
        var lambda: Double
        var gamma: Double
        var minChildWeight: Double
    }

    let bins: FeatureBins
    let parameters: Parameters

    /// Per feature and bin, the sums of gradients and hessians: feature-major, bins inner.
    struct Histogram {
        var gradient: [Double]
        var hessian: [Double]
    }

    struct Split {
        var feature: Int
        /// Bins 1...bin go left.
        var bin: Int
        var missingLeft: Bool
        var gain: Double
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

        mutating func add() -> Int {
            left.append(-1); right.append(-1); feature.append(0); threshold.append(0)
            defaultLeft.append(false); cover.append(0); gain.append(0)
            return left.count - 1
        }
    }

    /// The offsets of each feature's bins in a histogram.
    private let offsets: [Int]
    private let totalBins: Int

    init(bins: FeatureBins, parameters: Parameters) {
        self.bins = bins
        self.parameters = parameters
        var offsets: [Int] = []
        var total = 0
        for feature in 0..<bins.featureCount {
            offsets.append(total)
            total += bins.binCount(feature)
        }
        self.offsets = offsets
        totalBins = total
    }

    /// The tree, and for every training row the value of the leaf it reached (to update the
    /// margins without walking the tree again). `rows` are the rows this tree learns from.
    func build(gradients: [Float], hessians: [Float], rows: [Int32]) -> (Tree, [Float]) {
        var nodes = Nodes()
        var leafOfRow = [Float](repeating: 0, count: bins.rowCount)
        var level: Frontier = []
        let rootHistogram = histogram(of: rows, gradients: gradients, hessians: hessians)
        var g = 0.0, h = 0.0
        for row in rows { g += Double(gradients[Int(row)]); h += Double(hessians[Int(row)]) }
        level.append((nodes.add(), rows, rootHistogram, g, h))
        for depth in 0...parameters.maxDepth {
            var next: Frontier = []
            for entry in level {
                nodes.cover[entry.node] = Float(entry.h)
                guard depth < parameters.maxDepth, let split = bestSplit(entry.histogram, g: entry.g, h: entry.h) else {
                    let value = Float(-entry.g / (entry.h + parameters.lambda)) * parameters.learningRate
                    nodes.threshold[entry.node] = value
                    for row in entry.rows { leafOfRow[Int(row)] = value }
                    continue
                }
                let column = split.feature * bins.rowCount
                var leftRows: [Int32] = [], rightRows: [Int32] = []
                for row in entry.rows {
                    let bin = Int(bins.bins[column + Int(row)])
                    let goesLeft = bin == 0 ? split.missingLeft : bin <= split.bin
                    if goesLeft { leftRows.append(row) } else { rightRows.append(row) }
                }
                let leftNode = nodes.add(), rightNode = nodes.add()
                nodes.left[entry.node] = Int32(leftNode)
                nodes.right[entry.node] = Int32(rightNode)
                nodes.feature[entry.node] = Int32(split.feature)
                nodes.threshold[entry.node] = bins.upper[split.feature][split.bin]
                nodes.defaultLeft[entry.node] = split.missingLeft
                nodes.gain[entry.node] = Float(split.gain)
                // Sum the smaller child; the sibling is the parent minus it.
                let smallIsLeft = leftRows.count <= rightRows.count
                let small = histogram(of: smallIsLeft ? leftRows : rightRows, gradients: gradients, hessians: hessians)
                var large = entry.histogram
                for index in 0..<totalBins {
                    large.gradient[index] -= small.gradient[index]
                    large.hessian[index] -= small.hessian[index]
                }
                let (leftHistogram, rightHistogram) = smallIsLeft ? (small, large) : (large, small)
                let sums = { (rows: [Int32]) -> (Double, Double) in
                    var g = 0.0, h = 0.0
                    for row in rows { g += Double(gradients[Int(row)]); h += Double(hessians[Int(row)]) }
                    return (g, h)
                }
                let (gl, hl) = sums(leftRows), (gr, hr) = sums(rightRows)
                next.append((leftNode, leftRows, leftHistogram, gl, hl))
                next.append((rightNode, rightRows, rightHistogram, gr, hr))
            }
            level = next
            if level.isEmpty { break }
        }
        let tree = Tree(
            left: nodes.left, right: nodes.right, feature: nodes.feature, threshold: nodes.threshold,
            defaultLeft: nodes.defaultLeft, cover: nodes.cover, gain: nodes.gain)
        return (tree, leafOfRow)
    }

    /// The nodes of one depth still to split or close: id, rows, histogram and sums.
    private typealias Frontier = [(node: Int, rows: [Int32], histogram: Histogram, g: Double, h: Double)]

    func histogram(of rows: [Int32], gradients: [Float], hessians: [Float]) -> Histogram {
        var histogram = Histogram(
            gradient: [Double](repeating: 0, count: totalBins), hessian: [Double](repeating: 0, count: totalBins))
        histogram.gradient.withUnsafeMutableBufferPointer { gradientSums in
            histogram.hessian.withUnsafeMutableBufferPointer { hessianSums in
                bins.bins.withUnsafeBufferPointer { binned in
                    for feature in 0..<bins.featureCount {
                        let column = binned.baseAddress! + feature * bins.rowCount
                        let offset = offsets[feature]
                        for row in rows {
                            let slot = offset + Int(column[Int(row)])
                            gradientSums[slot] += Double(gradients[Int(row)])
                            hessianSums[slot] += Double(hessians[Int(row)])
                        }
                    }
                }
            }
        }
        return histogram
    }

    /// The best split of a node with gradient sum `g` and hessian sum `h`, or nil when no
    /// split gains more than `gamma`.
    func bestSplit(_ histogram: Histogram, g: Double, h: Double) -> Split? {
        let lambda = parameters.lambda
        let parentScore = g * g / (h + lambda)
        var best: Split?
        for feature in 0..<bins.featureCount {
            let offset = offsets[feature]
            let count = bins.binCount(feature)
            let missingG = histogram.gradient[offset], missingH = histogram.hessian[offset]
            var leftG = 0.0, leftH = 0.0
            // Boundaries after bins 1...count−2: the last bin always has a right side empty.
            for bin in 1..<max(1, count - 1) {
                leftG += histogram.gradient[offset + bin]
                leftH += histogram.hessian[offset + bin]
                for missingLeft in [false, true] {
                    let gl = leftG + (missingLeft ? missingG : 0), hl = leftH + (missingLeft ? missingH : 0)
                    let gr = g - gl, hr = h - hl
                    guard hl >= parameters.minChildWeight, hr >= parameters.minChildWeight else { continue }
                    let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                    if gain > parameters.gamma, gain > (best?.gain ?? 0) {
                        best = Split(feature: feature, bin: bin, missingLeft: missingLeft, gain: gain)
                    }
                }
            }
        }
        return best
    }
}
