import Foundation
import LineupAnalysis
import LineupEvaluation
import Testing
@testable import lineup

/// The HTML reports draw no SVG of their own: they carry each chart's data as `data-chart`
/// JSON and embed the console's chart module (ui/charts.js) inline, which draws them.
@Suite struct HTMLReportTests {
    static let chartsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LineupWeb/Assets/ui/charts.js")

    /// Every `data-chart` attribute of a page, decoded (references first, then JSON); an
    /// unescaped `'` or `<` in one would end the match early and fail to decode.
    static func charts(in html: String) throws -> [[String: Any]] {
        let pattern = try NSRegularExpression(pattern: #"data-chart='([^'<]*)'"#)
        return try pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            let attribute = String(html[Range(match.range(at: 1), in: html)!])
            let json = attribute.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&amp;", with: "&")
            return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
    }

    /// The page embeds charts.js, byte for byte as in Assets, in one inline module that then
    /// draws the placeholders; it draws no SVG itself.
    static func expectEmbedsTheChartModule(_ html: String) throws {
        let module = try String(contentsOf: chartsFile, encoding: .utf8)
        #expect(module.contains("export function drawCharts"))
        #expect(!module.lowercased().contains("</script"), "charts.js is inlined as it is")
        #expect(HTMLReport.chartsModule == module, "the binary's copy is the file")
        #expect(html.components(separatedBy: "<script").count == 2, "one script element")
        #expect(html.contains("<script type=\"module\">\n" + module + "\ndrawCharts(document);\n</script>"))
        let page = html.components(separatedBy: "<script").first ?? ""
        #expect(!page.contains("<svg"), "the page draws no SVG of its own")
    }

    static func summary(engagement: Double?, ndcg: Double?, positions: [Double?] = [0.5, 0.25, 0.1]) -> EvaluationSummary {
        EvaluationSummary(
            requests: 10, impressions: 30, requestsWithPositive: 6, engagementRate: engagement, auc: 0.7, mrr: 0.6,
            cutoffs: [.init(k: 1, ndcg: 0.5, recall: 0.4), .init(k: 5, ndcg: ndcg, recall: 0.9)],
            positions: positions.enumerated().map { .init(position: $0.offset + 1, impressions: 10, engagementRate: $0.element) })
    }

    @Test func theEvaluationReportCarriesItsChartsAsData() throws {
        let evaluation = LogEvaluation(
            overall: Self.summary(engagement: 0.2, ndcg: 0.75, positions: [0.5, 0.25, nil]),
            byDay: ["2026-01-02": Self.summary(engagement: 0.1, ndcg: nil), "2026-01-01": Self.summary(engagement: 0.3, ndcg: 0.7)],
            byRanker: ["two_stage": Self.summary(engagement: 0.2, ndcg: 0.8), "popularity": Self.summary(engagement: 0.2, ndcg: 0.6)])
        let html = HTMLReport(evaluation: evaluation, title: "Eval <test>").html
        try Self.expectEmbedsTheChartModule(html)
        #expect(html.contains("<h1>Eval &lt;test&gt;</h1>"))
        #expect(html.contains("<td>2026-01-01</td>"), "the tables stay")
        // On a phone a wide table scrolls in its box instead of widening the page.
        #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(html.components(separatedBy: "<table>").count == html.components(separatedBy: #"<div class="table"><table>"#).count)

        let charts = try Self.charts(in: html)
        #expect(charts.map { $0["kind"] as? String } == ["line", "bar", "bar"])
        let series = try #require(charts[0]["series"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ["NDCG@5", "engagement rate"])
        let ndcg = try #require(series[0]["points"] as? [[Any]])
        #expect(ndcg.map { $0[0] as? String } == ["2026-01-01", "2026-01-02"], "days in order")
        #expect(ndcg[0][1] as? Double == 0.7)
        #expect(ndcg[1][1] is NSNull, "a missing value is null")

        let positions = try #require(charts[1]["bars"] as? [[Any]])
        #expect(positions.map { $0[0] as? String } == ["1", "2", "3"])
        #expect(positions[0][1] as? Double == 0.5)
        #expect(positions[2][1] is NSNull)
        #expect(charts[1]["format"] as? String == "percent")
        #expect(charts[2]["caption"] as? String == "NDCG@5")
        #expect((charts[2]["bars"] as? [[Any]])?.map { $0[0] as? String } == ["popularity", "two_stage"])
    }

    @Test func oneDayDrawsNoTrend() throws {
        let html = HTMLReport(evaluation: LogEvaluation(overall: Self.summary(engagement: 0.2, ndcg: 0.7),
                                                        byDay: ["2026-01-01": Self.summary(engagement: 0.2, ndcg: 0.7)]),
                              title: "One day").html
        #expect(html.contains("One day of data: no trend to draw yet."))
        #expect(try Self.charts(in: html).map { $0["kind"] as? String } == ["bar"])
    }

    static let analysisJSON = """
        {"control":"control","experiment":"exp-1","sample_ratio":{"chi_square":15.2,"mismatch":true,"p_value":0.0001},
         "status":"running","warnings":["sample ratio mismatch","few users"],
         "variants":[
          {"engaged_requests":60,"engaged_widgets":90,"request_rate":{"lower":0.5,"rate":0.6,"upper":0.7},"requests":100,
           "user_rate":{"lower":0.52,"ratio":0.6,"standard_error":0.04,"upper":0.68},"users_exposed":40,"variant":"control","weight":1},
          {"engaged_requests":70,"engaged_widgets":95,"request_rate":{"lower":0.6,"rate":0.7,"upper":0.8},"requests":100,
           "user_rate":{"lower":0.61,"ratio":0.7,"standard_error":0.045,"upper":0.79},"users_exposed":60,
           "variant":"b \\"<new>\\" & 'bold'","weight":1,
           "versus_control":{"chance_to_beat_control":0.93,"expected_loss":0.001,
            "requests":{"difference":0.1,"difference_lower":0.0,"difference_upper":0.2,"p_value":0.04,"z":2.0},
            "requests_by_user":{"difference":0.1,"lower":-0.01,"upper":0.21,"relative_lift":0.1667,"relative_lower":-0.02,
             "relative_upper":0.35,"z":1.8,"p_value":0.07}}}]}
        """

    @Test func theExperimentReportCarriesItsIntervalsAsData() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let analysis = try decoder.decode(ExperimentAnalysis.self, from: Data(Self.analysisJSON.utf8))
        let html = ExperimentReport(analysis: analysis).html
        try Self.expectEmbedsTheChartModule(html)
        #expect(html.contains("<p class=\"alarm\">Sample ratio mismatch"), "the verdict stays")

        let charts = try Self.charts(in: html)
        #expect(charts.map { $0["kind"] as? String } == ["interval", "interval"])
        let rates = try #require(charts[0]["rows"] as? [[String: Any]])
        #expect(rates.map { $0["name"] as? String } == ["control", "b \"<new>\" & 'bold'"], "names survive the attribute")
        #expect(rates.map { $0["value"] as? Double } == [0.6, 0.7])
        #expect(rates.map { $0["lower"] as? Double } == [0.52, 0.61])
        #expect(charts[0]["zero"] as? Bool == false)
        let lifts = try #require(charts[1]["rows"] as? [[String: Any]])
        #expect(lifts.count == 1)
        #expect(lifts[0]["value"] as? Double == 0.1667)
        #expect(lifts[0]["lower"] as? Double == -0.02)
        #expect(lifts[0]["upper"] as? Double == 0.35)
        #expect(charts[1]["zero"] as? Bool == true)
        #expect(charts[1]["format"] as? String == "signedPercent")
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() throws {
        let html = HTMLReport.chart(.interval(title: "t", rows: [.init(name: "a", lower: -.infinity, value: 0.5, upper: .nan)], zero: true, format: .number))
        let row = try #require((try Self.charts(in: html).first?["rows"] as? [[String: Any]])?.first)
        #expect(row["lower"] is NSNull)
        #expect(row["upper"] is NSNull)
        #expect(row["value"] as? Double == 0.5)
    }
}
