import Foundation
import LineupCore
import LineupRanking

/// LambdaMART's gradients for `rank:ndcg` (Burges, "From RankNet to LambdaRank to
/// LambdaMART: An Overview", 2010) as XGBoost ≥ 3 computes them, so that the two can be
/// compared setting for setting (`LambdaRankParameters` carries XGBoost's names): within a
/// query group, each pair of rows with different labels pulls the better one up and the
/// other down by σ(s_high − s_low) − 1 times |ΔNDCG|, the change in the group's NDCG if the
/// two swapped places in the current order (gains 2^label − 1), and adds
/// 2·σ(1 − σ)·|ΔNDCG| to both hessians.
///
/// Unbiased LambdaMART (Hu et al. 2019, "Unbiased LambdaMART: An Unbiased Pairwise
/// Learning-to-Rank Algorithm") reads the rows of a group as the positions they were shown
/// at: a pair whose better row was shown at i and worse row at j, both tracked, is divided
/// by t⁺[i]·t⁻[j]. After each round t⁺ and t⁻ are estimated again from the pairs' costs
/// (eq. 30 and 31), relative to position 0 and raised to 1/(1 + p).
///
/// Groups are independent, so they are shared out in fixed chunks across the cores; sums
/// over groups are taken in group order, the same on any number of cores.
struct LambdaRank {
    let parameters: LambdaRankParameters
    /// K of the NDCG@K the training metric reports.
    let cutoff: Int
    /// First row of every group, and one past the last row.
    let starts: [Int]
    /// 1 / the ideal DCG of every group (over the top-k when pairs are truncated), 0 for a
    /// group without a relevant row.
    let inverseIdeal: [Double]
    let discounts: [Double]
    /// Positions whose bias is estimated (XGBoost's `MaxPositionSize`).
    let tracked: Int
    let seed: UInt64
    let parallel: Bool
    /// t⁺ and t⁻ as the next round divides by them.
    private(set) var bias: LambdaRankParameters.PositionBias?

    init(parameters: LambdaRankParameters, labels: [Float], groups: [Int], cutoff: Int, seed: UInt64, parallel: Bool) {
        self.parameters = parameters
        self.cutoff = cutoff
        self.seed = seed
        self.parallel = parallel
        var starts = [0]
        for size in groups { starts.append(starts[starts.count - 1] + size) }
        self.starts = starts
        let largest = groups.max() ?? 0
        discounts = (0..<largest).map { 1 / log2(Double($0) + 2) }
        let truncated = parameters.pairMethod == .topK
        let depth = truncated ? parameters.effectivePairsPerSample : Int.max
        inverseIdeal = groups.indices.map { [discounts] group in
            let gains = labels[starts[group]..<starts[group + 1]].map { parameters.gain(of: $0) }.sorted(by: >)
            var ideal = 0.0
            for (position, gain) in gains.prefix(depth).enumerated() { ideal += gain * discounts[position] }
            return ideal == 0 ? 0 : 1 / ideal
        }
        tracked = truncated ? parameters.effectivePairsPerSample : min(largest, 32)
        if parameters.unbiased {
            bias = .init(plus: Array(repeating: 1, count: tracked), minus: Array(repeating: 1, count: tracked))
        }
    }

    /// Fills every row's gradient and hessian for the current margins, estimates the position
    /// bias again when unbiased, and returns the mean NDCG@`cutoff` of the current order over
    /// the groups with a relevant row (ties broken by row): the training metric.
    mutating func gradients(
        margins: [Float], labels: [Float], round: Int, gradients: inout [Float], hessians: inout [Float]
    ) -> Double {
        let groupCount = starts.count - 1
        let chunks = min(64, groupCount)
        var sums = [(ndcg: Double, judged: Int)](repeating: (0, 0), count: chunks)
        // Per row, its share of the bias estimates' numerators (li as the better row of a
        // pair, lj as the worse), summed over groups afterwards.
        var costs = (high: [Double](), low: [Double]())
        if bias != nil {
            costs = (Array(repeating: 0, count: margins.count), Array(repeating: 0, count: margins.count))
        }
        let this = self
        margins.withUnsafeBufferPointer { margins in
            labels.withUnsafeBufferPointer { labels in
                gradients.withUnsafeMutableBufferPointer { gradients in
                    hessians.withUnsafeMutableBufferPointer { hessians in
                        costs.high.withUnsafeMutableBufferPointer { high in
                            costs.low.withUnsafeMutableBufferPointer { low in
                                sums.withUnsafeMutableBufferPointer { sums in
                                    Parallel.run(chunks, parallel: parallel) { chunk in
                                        var scratch = Scratch()
                                        let rows = Rows(
                                            margins: margins, labels: labels, gradients: gradients, hessians: hessians,
                                            high: high, low: low)
                                        for group in chunk * groupCount / chunks..<(chunk + 1) * groupCount / chunks {
                                            if let ndcg = this.group(group, round: round, rows: rows, scratch: &scratch) {
                                                sums[chunk].ndcg += ndcg
                                                sums[chunk].judged += 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if bias != nil { estimateBias(costs) }
        let judged = sums.reduce(0) { $0 + $1.judged }
        return judged == 0 ? 1 : sums.reduce(0) { $0 + $1.ndcg } / Double(judged)
    }

    /// t⁺[i] = (Σ li[i] / Σ li[0])^(1/(1+p)), t⁻ likewise from lj; a position no pair reached
    /// gets 0 (and is then not divided by), as in XGBoost.
    private mutating func estimateBias(_ costs: (high: [Double], low: [Double])) {
        var high = [Double](repeating: 0, count: tracked), low = [Double](repeating: 0, count: tracked)
        for group in 0..<starts.count - 1 {
            let start = starts[group]
            for position in 0..<min(starts[group + 1] - start, tracked) {
                high[position] += costs.high[start + position]
                low[position] += costs.low[start + position]
            }
        }
        let exponent = 1 / (1 + parameters.biasNorm)
        guard var bias else { return }
        for position in 0..<tracked {
            if high[0] >= Self.epsilon { bias.plus[position] = pow(high[position] / high[0], exponent) }
            if low[0] >= Self.epsilon { bias.minus[position] = pow(low[position] / low[0], exponent) }
        }
        self.bias = bias
    }

    static let epsilon = 1e-16

    /// The arrays one round reads and writes, as a group's work sees them.
    private struct Rows {
        let margins: UnsafeBufferPointer<Float>
        let labels: UnsafeBufferPointer<Float>
        let gradients: UnsafeMutableBufferPointer<Float>
        let hessians: UnsafeMutableBufferPointer<Float>
        let high: UnsafeMutableBufferPointer<Double>
        let low: UnsafeMutableBufferPointer<Double>
    }

    /// Buffers one chunk reuses from group to group.
    private struct Scratch {
        /// The group's rows (0-based within it) in the current order.
        var order: [Int] = []
        /// Positions in `order`, sorted by label, best first (for drawing pairs).
        var byLabel: [Int] = []
    }

    /// One group's lambdas; its NDCG@cutoff, or nil when no row is relevant.
    private func group(_ group: Int, round: Int, rows: Rows, scratch: inout Scratch) -> Double? {
        let start = starts[group], size = starts[group + 1] - start
        for row in start..<start + size {
            rows.gradients[row] = 0
            rows.hessians[row] = 0
        }
        let inverseIdeal = inverseIdeal[group]
        guard inverseIdeal > 0 else { return nil }
        let margins = UnsafeBufferPointer(rebasing: rows.margins[start..<start + size])
        let labels = UnsafeBufferPointer(rebasing: rows.labels[start..<start + size])
        // The current order: score descending, ties by row (XGBoost's stable ArgSort).
        scratch.order.removeAll(keepingCapacity: true)
        scratch.order.append(contentsOf: 0..<size)
        scratch.order.sort { margins[$0] != margins[$1] ? margins[$0] > margins[$1] : $0 < $1 }
        let order = scratch.order
        let best = margins[order[0]], worst = margins[order[size - 1]]
        var lambdaSum = 0.0
        let tracked = tracked, bias = bias, parameters = parameters, discounts = discounts
        let scoreNormalization = parameters.scoreNormalization && best != worst
        let hessianFactor: Double = parameters.hessian == .xgboost ? 2 : 1
        // A pair of positions in `order`.
        func pull(_ first: Int, _ second: Int) {
            var rankHigh = first, rankLow = second
            let a = labels[order[first]], b = labels[order[second]]
            if a == b { return }
            if a < b { swap(&rankHigh, &rankLow) }
            let high = order[rankHigh], low = order[rankLow]
            let scoreHigh = margins[high], scoreLow = margins[low]
            let gainHigh = parameters.gain(of: labels[high]), gainLow = parameters.gain(of: labels[low])
            var delta = abs((gainHigh - gainLow) * (discounts[rankHigh] - discounts[rankLow]) * inverseIdeal)
            if scoreNormalization { delta /= Double(abs(scoreHigh - scoreLow)) + 0.01 }
            let sigmoid = Double(1 / (expf(-(scoreHigh - scoreLow)) + 1))
            var lambda = (sigmoid - 1) * delta
            var hessian = max(sigmoid * (1 - sigmoid), Self.epsilon) * delta * hessianFactor
            if let bias, high < tracked, low < tracked {
                let plus = bias.plus[high], minus = bias.minus[low]
                // The pair's loss as eq. 30 and 31 weigh it, XGBoost's log(1/(1 − σ))·|ΔNDCG|.
                // σ rounds to 1 only for pairs already apart by about 17, which XGBoost
                // would make infinite; they are left out of the estimate.
                let cost = log(1 / (1 - sigmoid)) * delta
                if cost.isFinite {
                    if minus >= Self.epsilon { rows.high[start + high] += cost / minus }
                    if plus >= Self.epsilon { rows.low[start + low] += cost / plus }
                }
                if minus >= Self.epsilon, plus >= Self.epsilon {
                    lambda /= plus * minus
                    hessian /= plus * minus
                }
            }
            let g = Float(lambda), h = Float(hessian)
            rows.gradients[start + high] += g
            rows.hessians[start + high] += h
            rows.gradients[start + low] -= g
            rows.hessians[start + low] += h
            lambdaSum += -2 * Double(g)
        }
        let pairs = parameters.effectivePairsPerSample
        switch parameters.pairMethod {
        case .topK:
            for first in 0..<min(size, pairs) {
                for second in first + 1..<size { pull(first, second) }
            }
        case .mean:
            scratch.byLabel.removeAll(keepingCapacity: true)
            scratch.byLabel.append(contentsOf: 0..<size)
            scratch.byLabel.sort { labels[order[$0]] != labels[order[$1]] ? labels[order[$0]] > labels[order[$1]] : $0 < $1 }
            let byLabel = scratch.byLabel
            var random = SeededGenerator(
                seed: seed ^ (UInt64(truncatingIfNeeded: round) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(group) &* 0xC2B2_AE3D_27D4_EB4F))
            var first = 0
            while first < size {
                var end = first + 1
                while end < size, labels[order[byLabel[end]]] == labels[order[byLabel[first]]] { end += 1 }
                let outside = first + (size - end)
                if outside > 0 {
                    for _ in 0..<pairs {
                        for member in first..<end {
                            var other = Int.random(in: 0..<outside, using: &random)
                            if other >= first { other += end - first }
                            pull(byLabel[member], byLabel[other])
                        }
                    }
                }
                first = end
            }
        }
        if parameters.normalization {
            let scale: Double =
                switch parameters.pairMethod {
                case .mean: 1 / Double(pairs)
                case .topK: lambdaSum > 0 ? log2(1 + lambdaSum) / lambdaSum : 1
                }
            if scale != 1 {
                for row in start..<start + size {
                    rows.gradients[row] *= Float(scale)
                    rows.hessians[row] *= Float(scale)
                }
            }
        }
        // NDCG@cutoff of the current order, for progress.
        var dcg = 0.0, ideal = 0.0
        for (position, row) in order.prefix(cutoff).enumerated() { dcg += (exp2(Double(labels[row])) - 1) * discounts[position] }
        let sorted = labels.map { exp2(Double($0)) - 1 }.sorted(by: >)
        for (position, gain) in sorted.prefix(cutoff).enumerated() { ideal += gain * discounts[position] }
        return ideal > 0 ? dcg / ideal : 0
    }
}
