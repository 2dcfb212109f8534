import Foundation

/// Per-request ranking metrics, summed one response at a time: memory does not grow with
/// the number of responses.
///
/// Each response is ranked by `score`, highest first. NDCG@K takes gains 2^label − 1 and
/// discounts 1/log2(rank + 1); tied scores share the average gain of their tie group over
/// the ranks the group occupies, which is what scikit-learn's `ndcg_score` does by default,
/// so the order of tied items cannot change the result. MRR and Recall@K need one order,
/// so they break score ties by the served position. NDCG, Recall and MRR average over
/// responses with a positive label; a response showing a single engaged widget scores 1.
public struct MetricsAccumulator: Sendable {
    public let cutoffs: [Int]
    private var requests = 0
    private var impressions = 0
    private var engaged = 0
    private var requestsWithPositive = 0
    private var ndcgSums: [Double]
    private var recallSums: [Double]
    private var reciprocalRankSum = 0.0
    /// Per served position (index = position − 1): shown, engaged.
    private var positionCounts: [(shown: Int, engaged: Int)] = []
    /// 1/log2(rank + 2) for 0-based ranks, grown on demand.
    private var discounts: [Double] = []
    /// Scratch, reused across requests.
    private var order: [Int] = []
    private var gains: [Double] = []

    public init(cutoffs: [Int]) throws(EvaluationError) {
        let unique = Array(Set(cutoffs)).sorted()
        guard !unique.isEmpty, unique.allSatisfy({ (1...1000).contains($0) }) else { throw .badCutoffs(cutoffs) }
        self.cutoffs = unique
        ndcgSums = Array(repeating: 0, count: unique.count)
        recallSums = Array(repeating: 0, count: unique.count)
    }

    /// Cut-offs written as `lineup eval --k` and `GET /v1/eval?k=` take them: whole numbers
    /// in 1...1000 separated by commas, such as "1,3,5,10"; nil for anything else.
    public static func cutoffs(parsing text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let cutoffs = parts.compactMap { Int($0) }
        guard !cutoffs.isEmpty, cutoffs.count == parts.count, cutoffs.allSatisfy({ (1...1000).contains($0) }) else { return nil }
        return cutoffs
    }

    /// Adds one response's shown widgets, in any order. Scores must not be NaN.
    public mutating func add(request items: [JudgedItem]) {
        let count = items.count
        guard count > 0 else { return }
        requests += 1
        impressions += count
        var positives = 0
        for item in items {
            precondition(!item.score.isNaN, "a NaN score")
            if item.position >= 1 {
                if item.position > positionCounts.count {
                    positionCounts += repeatElement((shown: 0, engaged: 0), count: item.position - positionCounts.count)
                }
                positionCounts[item.position - 1].shown += 1
                if item.label > 0 { positionCounts[item.position - 1].engaged += 1 }
            }
            if item.label > 0 { positives += 1 }
        }
        engaged += positives
        guard positives > 0 else { return }
        requestsWithPositive += 1
        while discounts.count < count { discounts.append(1 / log2(Double(discounts.count + 2))) }

        // Score order, ties by served position.
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<count)
        order.sort { a, b in
            items[a].score != items[b].score ? items[a].score > items[b].score : items[a].position < items[b].position
        }
        // Ideal order: gains descending.
        gains.removeAll(keepingCapacity: true)
        for item in items { gains.append(Self.gain(item.label)) }
        gains.sort(by: >)

        var firstPositive = count
        for (rank, index) in order.enumerated() where items[index].label > 0 {
            firstPositive = rank
            break
        }
        reciprocalRankSum += 1 / Double(firstPositive + 1)

        for (slot, k) in cutoffs.enumerated() {
            let cut = min(k, count)
            var ideal = 0.0
            for rank in 0..<cut { ideal += gains[rank] * discounts[rank] }
            // Tie groups in score order: each adds its mean gain times the discounts of the
            // ranks it spans that fall before the cut.
            var dcg = 0.0
            var start = 0
            while start < cut {
                let score = items[order[start]].score
                var end = start + 1
                var total = Self.gain(items[order[start]].label)
                while end < count && items[order[end]].score == score {
                    total += Self.gain(items[order[end]].label)
                    end += 1
                }
                var discount = 0.0
                for rank in start..<min(end, cut) { discount += discounts[rank] }
                dcg += total / Double(end - start) * discount
                start = end
            }
            ndcgSums[slot] += dcg / ideal
            var found = 0
            for rank in 0..<cut where items[order[rank]].label > 0 { found += 1 }
            recallSums[slot] += Double(found) / Double(positives)
        }
    }

    /// The metrics so far, with the AUC computed elsewhere (it pools every widget).
    public func summary(auc: Double?) -> EvaluationSummary {
        let counted = Double(requestsWithPositive)
        return EvaluationSummary(
            requests: requests, impressions: impressions, requestsWithPositive: requestsWithPositive,
            engagementRate: impressions > 0 ? Double(engaged) / Double(impressions) : nil, auc: auc,
            mrr: requestsWithPositive > 0 ? reciprocalRankSum / counted : nil,
            cutoffs: cutoffs.indices.map { slot in
                EvaluationSummary.Cutoff(
                    k: cutoffs[slot], ndcg: requestsWithPositive > 0 ? ndcgSums[slot] / counted : nil,
                    recall: requestsWithPositive > 0 ? recallSums[slot] / counted : nil)
            },
            positions: positionCounts.enumerated().map { index, counts in
                EvaluationSummary.Position(
                    position: index + 1, impressions: counts.shown,
                    engagementRate: counts.shown > 0 ? Double(counts.engaged) / Double(counts.shown) : nil)
            })
    }

    @inline(__always)
    static func gain(_ label: Int) -> Double { label > 0 ? Double((1 << min(label, 62)) - 1) : 0 }
}
