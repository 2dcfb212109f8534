import Foundation

/// LambdaMART's gradients for `rank:ndcg` (Burges, "From RankNet to LambdaRank to
/// LambdaMART: An Overview", 2010): within each query group, every pair of rows with
/// different labels pulls the better one up and the other down by σ(s_j − s_i), weighted
/// by |ΔNDCG|, the change in the group's NDCG if the two swapped places in the current
/// order (gains 2^label − 1). Each group's lambdas are then normalised as XGBoost's and
/// LightGBM's are.
enum LambdaRank {
    /// Fills the gradients and hessians of every row from its query group, and returns the
    /// mean NDCG@`cutoff` of the current order over the groups with a relevant row (ties
    /// broken by row), which `progress` reports as the training metric.
    ///
    /// Groups are independent, so they are shared out in fixed chunks across the cores;
    /// each chunk's NDCG sum is added in chunk order, the same on any number of cores.
    static func gradients(
        margins: [Float], labels: [Float], groups: [Int], cutoff: Int, parallel: Bool,
        gradients: inout [Float], hessians: inout [Float]
    ) -> Double {
        var starts = [0]
        for size in groups { starts.append(starts[starts.count - 1] + size) }
        let chunks = min(64, groups.count)
        var sums = [(ndcg: Double, judged: Int)](repeating: (0, 0), count: chunks)
        margins.withUnsafeBufferPointer { margins in
            labels.withUnsafeBufferPointer { labels in
                gradients.withUnsafeMutableBufferPointer { gradients in
                    hessians.withUnsafeMutableBufferPointer { hessians in
                        sums.withUnsafeMutableBufferPointer { sums in
                            let work = { (chunk: Int) in
                                let first = chunk * groups.count / chunks, last = (chunk + 1) * groups.count / chunks
                                var scratch = Scratch()
                                for group in first..<last {
                                    let range = starts[group]..<starts[group + 1]
                                    if let ndcg = Self.group(
                                        range, margins: margins, labels: labels, cutoff: cutoff, scratch: &scratch,
                                        gradients: gradients, hessians: hessians)
                                    {
                                        sums[chunk].ndcg += ndcg
                                        sums[chunk].judged += 1
                                    }
                                }
                            }
                            Parallel.run(chunks, parallel: parallel, work)
                        }
                    }
                }
            }
        }
        let judged = sums.reduce(0) { $0 + $1.judged }
        return judged == 0 ? 1 : sums.reduce(0) { $0 + $1.ndcg } / Double(judged)
    }

    /// Buffers one chunk reuses from group to group.
    private struct Scratch {
        var order: [Int] = []
        var rank: [Int] = []
        var gains: [Double] = []
        var discounts: [Double] = []
    }

    /// One group's lambdas; its NDCG@cutoff, or nil when no row is relevant.
    private static func group(
        _ range: Range<Int>, margins: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>, cutoff: Int,
        scratch: inout Scratch, gradients: UnsafeMutableBufferPointer<Float>, hessians: UnsafeMutableBufferPointer<Float>
    ) -> Double? {
        let size = range.count
        let start = range.lowerBound
        for row in range {
            gradients[row] = 0
            hessians[row] = 0
        }
        while scratch.discounts.count < size { scratch.discounts.append(1 / log2(Double(scratch.discounts.count + 2))) }
        scratch.gains.removeAll(keepingCapacity: true)
        for row in range { scratch.gains.append(exp2(Double(labels[row])) - 1) }
        let gains = scratch.gains
        let best = gains.sorted(by: >)
        var ideal = 0.0, idealAtCutoff = 0.0
        for (position, gain) in best.enumerated() {
            ideal += gain * scratch.discounts[position]
            if position < cutoff { idealAtCutoff += gain * scratch.discounts[position] }
        }
        guard ideal > 0 else { return nil }
        // The current order: score descending, ties by row for determinism.
        scratch.order.removeAll(keepingCapacity: true)
        scratch.order.append(contentsOf: range)
        scratch.order.sort { margins[$0] != margins[$1] ? margins[$0] > margins[$1] : $0 < $1 }
        if scratch.rank.count < size { scratch.rank = Array(repeating: 0, count: size) }
        for (position, row) in scratch.order.enumerated() { scratch.rank[row - start] = position }
        var dcg = 0.0
        for (position, row) in scratch.order.prefix(cutoff).enumerated() { dcg += gains[row - start] * scratch.discounts[position] }
        var lambdaSum = 0.0
        for i in range {
            for j in range where labels[i] > labels[j] {
                let delta = abs(
                    (gains[i - start] - gains[j - start])
                        * (scratch.discounts[scratch.rank[i - start]] - scratch.discounts[scratch.rank[j - start]])) / ideal
                let rho = 1 / (1 + exp(Double(margins[i] - margins[j])))
                let lambda = Float(rho * delta)
                let weight = Float(max(rho * (1 - rho) * delta, 1e-16))
                gradients[i] -= lambda
                gradients[j] += lambda
                hessians[i] += weight
                hessians[j] += weight
                lambdaSum += Double(lambda)
            }
        }
        // Scaled by log2(1 + Σλ)/Σλ, as XGBoost (`lambdarank_normalization`) and LightGBM
        // (`lambdarank_norm`) do by default: a group with many mis-ordered pairs does not
        // outweigh the others linearly.
        if lambdaSum > 0 {
            let scale = Float(log2(1 + lambdaSum) / lambdaSum)
            for row in range {
                gradients[row] *= scale
                hessians[row] *= scale
            }
        }
        return idealAtCutoff > 0 ? dcg / idealAtCutoff : 0
    }
}
