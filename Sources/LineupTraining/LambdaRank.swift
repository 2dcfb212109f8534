import Foundation

/// LambdaMART's gradients for `rank:ndcg` (Burges, "From RankNet to LambdaRank to
/// LambdaMART: An Overview", 2010).
enum LambdaRank {
    /// Fills the gradients and hessians of every row from its query group, and returns the
    /// mean NDCG of the groups in the current order (groups without a relevant row count 1),
    /// which is what `progress` reports for ranking.
    static func gradients(
        margins: [Float], labels: [Float], groups: [Int], gradients: inout [Float], hessians: inout [Float]
    ) -> Double {
        var start = 0
        var ndcgSum = 0.0
        var order: [Int] = []
        var discounts: [Double] = []
        for size in groups {
            let end = start + size
            while discounts.count < size { discounts.append(1 / log2(Double(discounts.count + 2))) }
            order = Array(start..<end)
            // The current order: score descending, ties by row for determinism.
            order.sort { margins[$0] != margins[$1] ? margins[$0] > margins[$1] : $0 < $1 }
            var rank = [Int](repeating: 0, count: size)
            for (position, row) in order.enumerated() { rank[row - start] = position }
            let gains = (start..<end).map { pow(2, Double(labels[$0])) - 1 }
            let ideal = gains.sorted(by: >).enumerated().reduce(0.0) { $0 + $1.element * discounts[$1.offset] }
            var dcg = 0.0
            for (position, row) in order.enumerated() { dcg += gains[row - start] * discounts[position] }
            ndcgSum += ideal > 0 ? dcg / ideal : 1
            for row in start..<end {
                gradients[row] = 0
                hessians[row] = 0
            }
            if ideal > 0 {
                for i in start..<end {
                    for j in start..<end where labels[i] > labels[j] {
                        let delta = abs(
                            (gains[i - start] - gains[j - start])
                                * (discounts[rank[i - start]] - discounts[rank[j - start]])) / ideal
                        let rho = 1 / (1 + exp(Double(margins[i] - margins[j])))
                        let lambda = Float(rho * delta)
                        let weight = Float(max(rho * (1 - rho) * delta, 1e-16))
                        gradients[i] -= lambda
                        gradients[j] += lambda
                        hessians[i] += weight
                        hessians[j] += weight
                    }
                }
            }
            start = end
        }
        return ndcgSum / Double(groups.count)
    }
}
