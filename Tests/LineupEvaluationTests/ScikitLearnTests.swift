import Foundation
import LineupEvaluation
import Testing

/// The metrics against scikit-learn's, on the datasets `Fixtures/generate.py` wrote.
@Suite struct ScikitLearnTests {
    struct Fixture: Decodable {
        let sklearn: String
        let cutoffs: [Int]
        let cases: [Case]
    }

    struct Case: Decodable, CustomTestStringConvertible {
        struct Request: Decodable {
            let scores: [Double]
            let labels: [Int]
            let positions: [Int]
        }

        struct Expected: Decodable {
            struct Cutoff: Decodable {
                let ndcg: Double?
                let recall: Double?
            }

            struct Position: Decodable {
                let position: Int
                let impressions: Int
                let engagement_rate: Double?
            }

            let requests: Int
            let impressions: Int
            let requests_with_positive: Int
            let engagement_rate: Double
            let auc: Double?
            let mrr: Double?
            let cutoffs: [String: Cutoff]
            let positions: [Position]
        }

        let name: String
        let requests: [Request]
        let expected: Expected

        var testDescription: String { name }
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/metrics.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func close(_ got: Double?, _ want: Double?) -> Bool {
        switch (got, want) {
        case (nil, nil): true
        case (let got?, let want?): abs(got - want) <= 1e-9
        default: false
        }
    }

    @Test(arguments: fixture.cases)
    func metricsEqualScikitLearn(_ testCase: Case) throws {
        var accumulator = try MetricsAccumulator(cutoffs: Self.fixture.cutoffs)
        var scores: [Double] = []
        var positives: [Bool] = []
        for request in testCase.requests {
            accumulator.add(request: request.scores.indices.map {
                JudgedItem(score: request.scores[$0], label: request.labels[$0], position: request.positions[$0])
            })
            scores += request.scores
            positives += request.labels.map { $0 > 0 }
        }
        let summary = accumulator.summary(auc: AUC.pooled(scores: scores, positives: positives))
        let expected = testCase.expected
        #expect(summary.requests == expected.requests)
        #expect(summary.impressions == expected.impressions)
        #expect(summary.requestsWithPositive == expected.requests_with_positive)
        #expect(Self.close(summary.engagementRate, expected.engagement_rate))
        #expect(Self.close(summary.auc, expected.auc), "AUC \(summary.auc as Any) vs scikit-learn \(expected.auc as Any)")
        #expect(Self.close(summary.mrr, expected.mrr))
        for cutoff in summary.cutoffs {
            let want = try #require(expected.cutoffs[String(cutoff.k)])
            #expect(Self.close(cutoff.ndcg, want.ndcg), "NDCG@\(cutoff.k) \(cutoff.ndcg as Any) vs scikit-learn \(want.ndcg as Any)")
            #expect(Self.close(cutoff.recall, want.recall), "Recall@\(cutoff.k)")
        }
        #expect(summary.positions.map(\.position) == expected.positions.map(\.position))
        #expect(summary.positions.map(\.impressions) == expected.positions.map(\.impressions))
        for (got, want) in zip(summary.positions, expected.positions) {
            #expect(Self.close(got.engagementRate, want.engagement_rate))
        }
    }

    @Test(arguments: fixture.cases)
    func sortedStreamGivesThePooledAUC(_ testCase: Case) {
        let pairs = testCase.requests.flatMap { request in
            zip(request.scores, request.labels.map { $0 > 0 })
        }
        var streamed = SortedAUC()
        for (score, positive) in pairs.sorted(by: { $0.0 < $1.0 }) { streamed.add(score: score, positive: positive) }
        #expect(Self.close(streamed.value, testCase.expected.auc))
    }
}
