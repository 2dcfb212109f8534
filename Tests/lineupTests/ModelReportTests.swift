import Foundation
import LineupModels
import Testing
@testable import lineup

/// `ModelReport`: a model card as a page in the style of the other HTML reports, its charts
/// as `data-chart` JSON that the inline charts.js draws.
@Suite struct ModelReportTests {
    static func card(positionBias: ModelCard.PositionBias?) -> ModelCard {
        let counts = ModelCard.SplitCounts(rows: 120, groups: 12, positives: 20, labelCounts: ["0": 100, "1": 15, "2": 5])
        var card = ModelCard(
            version: "unbiased <v1> & 'co'", createdAt: Date(timeIntervalSince1970: 1_800_000_000), trainer: "lineup", objective: "rank:ndcg",
            schemaVersion: 3, features: ["retrieval_score", "a<b & \"c\""],
            data: .init(source: "impression log", train: counts, validation: counts),
            parameters: ["eta": 0.1, "max_depth": 6, "lambdarank_bias_norm": 1],
            metrics: .init(
                train: "ndcg@5", validation: "ndcg@5", bestRound: 2, bestValidation: 0.752,
                rounds: [
                    .init(round: 1, seconds: 0.1, train: 0.70, validation: 0.741),
                    .init(round: 2, seconds: 0.2, train: 0.72, validation: 0.752),
                ]),
            importances: [.init(feature: "a<b & \"c\"", totalGain: 30, splits: 4), .init(feature: "retrieval_score", totalGain: 10, splits: 2)])
        card.pairMethod = "topk"
        card.positionBias = positionBias
        return card
    }

    static let bias = ModelCard.PositionBias(
        plus: [1, 0.93, 0.71, 0, 0.5, 0, 0], minus: [1, 1.08, 1.17, 1.2, 0, 0, 0])

    @Test func theExaminationByPositionIsChartedFromTheCard() throws {
        let html = ModelReport(card: Self.card(positionBias: Self.bias)).html
        try HTMLReportTests.expectEmbedsTheChartModule(html)
        #expect(html.contains("<h2>Examination by position</h2>"))
        #expect(html.contains("t⁺ for the better widget of a pair"), "the line that says what the chart shows")

        let charts = try HTMLReportTests.charts(in: html)
        #expect(charts.map { $0["kind"] as? String } == ["line", "line"])
        let examination = try #require(charts.first { $0["title"] as? String == "Examination by position" })
        #expect(examination["fromZero"] == nil, "examination is drawn from 0")
        let series = try #require(examination["series"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ["t⁺ better widget", "t⁻ worse widget"])
        let plus = try #require(series[0]["points"] as? [[Any]])
        let minus = try #require(series[1]["points"] as? [[Any]])
        // Displayed positions from 1; the trailing positions no pair reached are left out,
        // one in between is a gap (null), not a 0.
        #expect(plus.map { $0[0] as? String } == ["1", "2", "3", "4", "5"])
        #expect(plus.map { $0[1] as? Double } == [1, 0.93, 0.71, nil, 0.5])
        #expect(plus[3][1] is NSNull)
        #expect(minus.map { $0[1] as? Double } == [1, 1.08, 1.17, 1.2, nil])
        #expect(minus[4][1] is NSNull)
        // The numbers are in a table too.
        #expect(html.contains("<tr><td>2</td><td>0.9300</td><td>1.0800</td></tr>"))
        #expect(html.contains("<tr><td>4</td><td>—</td><td>1.2000</td></tr>"))

        let rounds = try #require(charts.first { $0["title"] as? String == "The metrics per round" })
        #expect(rounds["fromZero"] as? Bool == false, "a metric moving in its third decimal is fitted")
        let validation = try #require((rounds["series"] as? [[String: Any]])?.last?["points"] as? [[Any]])
        #expect(validation.map { $0[1] as? Double } == [0.741, 0.752])
    }

    @Test func namesAreEscaped() throws {
        let html = ModelReport(card: Self.card(positionBias: Self.bias)).html
        #expect(html.contains("<title>Model unbiased &lt;v1&gt; &amp; 'co'</title>"))
        #expect(html.contains("<h1>Model unbiased &lt;v1&gt; &amp; 'co'</h1>"))
        #expect(html.contains("<td>a&lt;b &amp; &quot;c&quot;</td>"), "a feature name in the importances")
        #expect(!html.contains("<v1>"))
        #expect(!html.contains("a<b"))
        #expect(html.contains("<td>max_depth</td><td>6</td>"), "whole parameters without decimals")
        #expect(html.contains("<td>eta</td><td>0.1</td>"))
    }

    @Test func aCardWithoutPositionBiasHasNoExaminationChart() throws {
        let html = ModelReport(card: Self.card(positionBias: nil)).html
        #expect(!html.contains("Examination by position"))
        #expect(try HTMLReportTests.charts(in: html).map { $0["title"] as? String } == ["The metrics per round"])
    }

    @Test func thePositionsAreTheFirstOnesReached() {
        let rows = ModelReport.examination(.init(plus: [1, 0, 0], minus: [1, 0.5]))
        #expect(rows.map(\.position) == [1, 2])
        #expect(rows.map(\.plus) == [1, nil])
        #expect(rows.map(\.minus) == [1, 0.5])
        #expect(ModelReport.examination(.init(plus: [0, 0], minus: [0, 0])).isEmpty)
    }
}
