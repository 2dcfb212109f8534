import LineupCore
import LineupEvaluation
import Testing

/// Properties that need no reference numbers.
@Suite struct PropertyTests {
    @Test func theIdealOrderScoresOne() throws {
        var accumulator = try MetricsAccumulator(cutoffs: [1, 3, 10])
        accumulator.add(request: [
            JudgedItem(score: 3, label: 2, position: 2), JudgedItem(score: 2, label: 1, position: 1),
            JudgedItem(score: 1, label: 0, position: 3),
        ])
        let summary = accumulator.summary(auc: nil)
        #expect(summary.cutoffs.map(\.ndcg) == [1, 1, 1])
        #expect(summary.mrr == 1)
        #expect(summary.cutoffs.map(\.recall) == [0.5, 1, 1])
    }

    @Test func responsesWithoutAPositiveCountOnlyAsImpressions() throws {
        var accumulator = try MetricsAccumulator(cutoffs: [5])
        accumulator.add(request: [JudgedItem(score: 1, label: 0, position: 1), JudgedItem(score: 0, label: 0, position: 2)])
        let summary = accumulator.summary(auc: nil)
        #expect(summary.requests == 1 && summary.impressions == 2 && summary.requestsWithPositive == 0)
        #expect(summary.cutoffs[0].ndcg == nil && summary.mrr == nil && summary.engagementRate == 0)
    }

    @Test func aucOfSeparatedScores() {
        let scores: [Double] = [0.1, 0.2, 0.8, 0.9]
        #expect(AUC.pooled(scores: scores, positives: [false, false, true, true]) == 1)
        #expect(AUC.pooled(scores: scores, positives: [true, true, false, false]) == 0)
        #expect(AUC.pooled(scores: [1, 1, 1], positives: [true, false, false]) == 0.5)
        #expect(AUC.pooled(scores: [1, 2], positives: [true, true]) == nil)
        #expect(AUC.pooled(scores: [-0.0, 0.0], positives: [true, false]) == 0.5, "−0 and +0 tie")
    }

    /// The radix-sorted AUC against a plain O(n²) count of pairs, on scores with many ties
    /// and awkward values (negatives, ±0, infinities, subnormals).
    @Test(arguments: [1, 2, 3, 4])
    func pooledAUCEqualsCountingPairs(_ seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let awkward: [Double] = [-.infinity, -1e300, -2.5, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 1e-310, 3, .infinity]
        let scores = (0..<400).map { _ in
            Bool.random(using: &rng) ? awkward.randomElement(using: &rng)! : Double(Int.random(in: -50...50, using: &rng)) * 1e7
        }
        let positives = scores.map { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        var wins = 0.0, pairs = 0.0
        for (a, positive) in zip(scores, positives) where positive {
            for (b, other) in zip(scores, positives) where !other {
                pairs += 1
                wins += a > b ? 1 : a == b ? 0.5 : 0
            }
        }
        #expect(AUC.pooled(scores: scores, positives: positives) == wins / pairs)
        var streamed = SortedAUC()
        for (score, positive) in zip(scores, positives).sorted(by: { $0.0 < $1.0 }) {
            streamed.add(score: score, positive: positive)
        }
        #expect(streamed.value == wins / pairs)
    }

    @Test func badCutoffsAreRefused() {
        #expect(throws: EvaluationError.self) { try MetricsAccumulator(cutoffs: []) }
        #expect(throws: EvaluationError.self) { try MetricsAccumulator(cutoffs: [0]) }
        #expect(throws: EvaluationError.self) { try MetricsAccumulator(cutoffs: [1001]) }
    }
}
