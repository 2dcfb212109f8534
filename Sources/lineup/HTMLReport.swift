import Foundation
import LineupAnalysis
import LineupEvaluation

/// `lineup eval --html`: one self-contained page (inline CSS and SVG, no script, no
/// network) with the metrics per day, the position-bias curve and the comparison of
/// rankers, variants and a replayed model.
struct HTMLReport {
    let evaluation: LogEvaluation
    let title: String
    /// The experiments that served in the window: each gets its page section.
    var experiments: [ExperimentAnalysis] = []
    /// The cut-off the charts show: 5 when asked for, else the largest.
    var k: Int { evaluation.overall.cutoffs.contains { $0.k == 5 } ? 5 : evaluation.overall.cutoffs.map(\.k).max() ?? 5 }

    var html: String {
        let overall = evaluation.overall
        var body = "<h1>\(Self.escape(title))</h1>\n"
        body += "<p class=\"lead\">\(overall.requests) requests, \(overall.impressions) widgets shown, "
            + "\(overall.requestsWithPositive) requests with an engagement.</p>\n"
        body += Self.tiles([
            ("NDCG@\(k)", Self.number(ndcg(overall))), ("AUC", Self.number(overall.auc)), ("MRR", Self.number(overall.mrr)),
            ("engagement rate", Self.percent(overall.engagementRate)),
        ])
        body += "<h2>Per day</h2>\n"
        let days = evaluation.byDay.sorted { $0.key < $1.key }
        if days.count > 1 {
            body += Self.lineChart(
                series: [
                    ("NDCG@\(k)", days.map { ($0.key, ndcg($0.value)) }),
                    ("engagement rate", days.map { ($0.key, $0.value.engagementRate) }),
                ])
        } else {
            body += "<p>One day of data: no trend to draw yet.</p>\n"
        }
        body += Self.table(
            header: ["day", "requests", "engagement rate", "NDCG@\(k)", "MRR", "AUC"],
            rows: days.map { row($0.key, $0.value) })
        body += "<h2>Position bias</h2>\n<p>Engagement rate of the widget shown at each position. A steep fall means users "
            + "look mostly at the top: logged labels then favour whatever was shown there.</p>\n"
        body += Self.barChart(bars: overall.positions.map { ("\($0.position)", $0.engagementRate) }, format: Self.percent)
        for (name, groups) in [("ranker", evaluation.byRanker), ("variant", evaluation.byVariant)] where !groups.isEmpty {
            body += "<h2>By \(name)</h2>\n"
            let sorted = groups.sorted { $0.key < $1.key }
            body += Self.barChart(bars: sorted.map { ($0.key, ndcg($0.value)) }, format: Self.number, caption: "NDCG@\(k)")
            body += Self.table(header: [name, "requests", "engagement rate", "NDCG@\(k)", "MRR", "AUC"], rows: sorted.map { row($0.key, $0.value) })
        }
        if let replay = evaluation.replay {
            body += "<h2>Replay of \(Self.escape(replay.model))</h2>\n<p>The model re-scored the logged feature vectors of the "
                + "same \(replay.summary.requests) requests; \(replay.skippedRequests) requests logged without feature vectors are left out.</p>\n"
            var rows: [[String]] = []
            for (served, replayed) in zip(overall.cutoffs, replay.summary.cutoffs) {
                rows.append(["NDCG@\(served.k)", Self.number(served.ndcg), Self.number(replayed.ndcg)])
            }
            rows.append(["MRR", Self.number(overall.mrr), Self.number(replay.summary.mrr)])
            rows.append(["AUC", Self.number(overall.auc), Self.number(replay.summary.auc)])
            body += Self.table(header: ["metric", "served", "replayed"], rows: rows)
        }
        for analysis in experiments { body += ExperimentReport(analysis: analysis).section(heading: "h2") }
        return Self.page(
            title: title, body: body,
            footer: "Written by lineup eval. Labels: events carrying the response's request_id within the label window.")
    }

    /// A whole page around `body`: the style every Lineup report shares.
    static func page(title: String, body: String, footer: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1d2330}
        h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #dde;padding-bottom:.2em}
        .lead{color:#556}.tiles{display:flex;gap:1em;flex-wrap:wrap}
        .tile{border:1px solid #dde;border-radius:8px;padding:.6em 1em;min-width:9em}
        .tile b{display:block;font-size:1.5em}.tile span{color:#667;font-size:.9em}
        .alarm{background:#fde8e8;border:2px solid #c0392b;border-radius:8px;padding:.8em 1em;font-weight:600;color:#8e1b10}
        .ok{background:#e8f6ec;border:1px solid #2e8b57;border-radius:8px;padding:.6em 1em}
        table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #eef;text-align:right}
        td:first-child,th:first-child{text-align:left}svg text{font:12px system-ui,sans-serif;fill:#445}
        </style></head><body>
        \(body)
        <p class="lead">\(escape(footer))</p>
        </body></html>
        """
    }

    func ndcg(_ summary: EvaluationSummary) -> Double? { summary.cutoffs.first { $0.k == k }?.ndcg }

    func row(_ key: String, _ summary: EvaluationSummary) -> [String] {
        [key, "\(summary.requests)", Self.percent(summary.engagementRate), Self.number(ndcg(summary)), Self.number(summary.mrr),
         Self.number(summary.auc)]
    }

    static func tiles(_ tiles: [(String, String)]) -> String {
        "<div class=\"tiles\">" + tiles.map { "<div class=\"tile\"><b>\($0.1)</b><span>\(escape($0.0))</span></div>" }.joined() + "</div>\n"
    }

    static func table(header: [String], rows: [[String]]) -> String {
        "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>\n"
    }

    static let colours = ["#2f6fd6", "#e0803a", "#3a9e6a", "#b04fc0"]

    /// Lines over shared x labels on one axis from 0 (the metrics drawn are all in [0, 1]),
    /// with gridlines and a dot per point.
    static func lineChart(series: [(name: String, points: [(String, Double?)])]) -> String {
        let width = 880.0, height = 240.0, left = 50.0, right = 40.0, bottom = 30.0, top = 26.0
        let labels = series.first?.points.map(\.0) ?? []
        let step = labels.count > 1 ? (width - left - right) / Double(labels.count - 1) : 0
        let highest = max(series.flatMap { $0.points.compactMap(\.1) }.max() ?? 1, 1e-9)
        let scale = (height - bottom - top) / highest
        func y(_ value: Double) -> Double { height - bottom - value * scale }
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\">"
        for tick in 0...4 {
            let value = highest * Double(tick) / 4
            svg += "<line x1=\"\(left)\" y1=\"\(y(value))\" x2=\"\(width - right)\" y2=\"\(y(value))\" stroke=\"\(tick == 0 ? "#99a" : "#e4e6ee")\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(String(format: "%.2f", value))</text>"
        }
        let every = labels.count <= 14 ? 1 : labels.count / 10 + 1
        for (index, label) in labels.enumerated() where index % every == 0 {
            svg += "<text x=\"\(left + Double(index) * step)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(escape(String(label.suffix(5))))</text>"
        }
        for (number, line) in series.enumerated() {
            let colour = colours[number % colours.count]
            let points = line.points.enumerated().compactMap { index, point in point.1.map { (left + Double(index) * step, y($0)) } }
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.map { "\($0.0),\($0.1)" }.joined(separator: " "))\"/>"
            for point in points { svg += "<circle cx=\"\(point.0)\" cy=\"\(point.1)\" r=\"3\" fill=\"\(colour)\"/>" }
            svg += "<text x=\"\(left + 10 + Double(number) * 180)\" y=\"14\" fill=\"\(colour)\">● \(escape(line.name))</text>"
        }
        return svg + "</svg>\n"
    }

    /// Vertical bars from 0, one per label, with the value above each.
    static func barChart(bars: [(String, Double?)], format: (Double?) -> String, caption: String? = nil) -> String {
        guard !bars.isEmpty else { return "<p>No data.</p>\n" }
        let width = 880.0, height = 220.0, bottom = 30.0, top = 20.0
        let slot = (width - 20) / Double(bars.count)
        let highest = bars.compactMap(\.1).max() ?? 1
        let scale = highest > 0 ? (height - bottom - top) / highest : 1
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\">"
        if let caption { svg += "<text x=\"10\" y=\"14\">\(escape(caption))</text>" }
        for (index, bar) in bars.enumerated() {
            let x = 10 + Double(index) * slot
            let value = bar.1 ?? 0
            let barHeight = value * scale
            svg += "<rect x=\"\(x + slot * 0.15)\" y=\"\(height - bottom - barHeight)\" width=\"\(slot * 0.7)\" height=\"\(barHeight)\" fill=\"\(colours[0])\"/>"
            svg += "<text x=\"\(x + slot / 2)\" y=\"\(height - bottom - barHeight - 4)\" text-anchor=\"middle\">\(escape(format(bar.1)))</text>"
            svg += "<text x=\"\(x + slot / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(escape(bar.0))</text>"
        }
        return svg + "</svg>\n"
    }

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "—" }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
