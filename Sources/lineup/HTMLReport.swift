import Foundation
import LineupAnalysis
import LineupEvaluation
import LineupWeb

/// `lineup eval --html`: one self-contained page (inline CSS, and the console's chart
/// module inline to draw the charts from their data; no network) with the metrics per day,
/// the position-bias curve and the comparison of rankers, variants and a replayed model.
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
            body += Self.chart(
                .line(
                    title: "NDCG@\(k) and engagement rate per day",
                    series: [
                        .init(name: "NDCG@\(k)", points: days.map { .init($0.key, ndcg($0.value)) }),
                        .init(name: "engagement rate", points: days.map { .init($0.key, $0.value.engagementRate) }),
                    ]))
        } else {
            body += "<p>One day of data: no trend to draw yet.</p>\n"
        }
        body += Self.table(
            header: ["day", "requests", "engagement rate", "NDCG@\(k)", "MRR", "AUC"],
            rows: days.map { row($0.key, $0.value) })
        body += "<h2>Position bias</h2>\n<p>Engagement rate of the widget shown at each position. A steep fall means users "
            + "look mostly at the top: logged labels then favour whatever was shown there.</p>\n"
        body += Self.chart(
            .bar(
                title: "Engagement rate per position", bars: overall.positions.map { .init("\($0.position)", $0.engagementRate) },
                format: .percent))
        for (name, groups) in [("ranker", evaluation.byRanker), ("variant", evaluation.byVariant)] where !groups.isEmpty {
            body += "<h2>By \(name)</h2>\n"
            let sorted = groups.sorted { $0.key < $1.key }
            body += Self.chart(
                .bar(
                    title: "NDCG@\(k) by \(name)", bars: sorted.map { .init($0.key, ndcg($0.value)) }, format: .number,
                    caption: "NDCG@\(k)"))
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
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1d2330}
        h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #dde;padding-bottom:.2em}
        .lead{color:#556}.tiles{display:flex;gap:1em;flex-wrap:wrap}
        .tile{border:1px solid #dde;border-radius:8px;padding:.6em 1em;min-width:9em}
        .tile b{display:block;font-size:1.5em}.tile span{color:#667;font-size:.9em}
        .alarm{background:#fde8e8;border:2px solid #c0392b;border-radius:8px;padding:.8em 1em;font-weight:600;color:#8e1b10}
        .ok{background:#e8f6ec;border:1px solid #2e8b57;border-radius:8px;padding:.6em 1em}
        .table{overflow-x:auto}table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #eef;text-align:right}
        td:first-child,th:first-child{text-align:left}.chart,.lineup-chart{display:block;margin:1em 0}
        </style></head><body>
        \(body)
        <p class="lead">\(escape(footer))</p>
        \(chartsScript)
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

    /// In a box that scrolls sideways, so a wide table on a phone scrolls instead of widening the page.
    static func table(header: [String], rows: [[String]]) -> String {
        "<div class=\"table\"><table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
            + "</table></div>\n"
    }

    /// A chart placeholder: `data-chart` holds the chart's JSON, which the page's inline
    /// charts.js draws (the console draws its charts with the same module).
    static func chart(_ chart: Chart) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Chart's encoding writes non-finite numbers as null, so encoding cannot fail.
        let json = (try? encoder.encode(chart)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // Single quotes around the attribute keep the JSON's double quotes readable; `&`,
        // `'` and `<` in it are written as references, which the attribute reads back as is.
        let attribute = json.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;")
            .replacingOccurrences(of: "<", with: "&lt;")
        return "<div class=\"chart\" data-chart='\(attribute)'></div>\n"
    }

    /// `ui/charts.js` from the binary, inline in the page's one module script, and the call
    /// that draws every placeholder: the page stays one file that opens from disk.
    static var chartsScript: String {
        // A `</script` in the module would end the element early; in its strings and
        // comments, the only places one could be, `<\/script` reads the same.
        let module = chartsModule.replacingOccurrences(of: "</script", with: "<\\/script", options: .caseInsensitive)
        return "<script type=\"module\">\n\(module)\ndrawCharts(document);\n</script>"
    }

    /// The source of the shared chart module, as LineupWeb serves it at `/ui/charts.js`.
    static var chartsModule: String {
        WebAssets().asset(named: "ui/charts.js").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
    }

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "—" }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension HTMLReport {
    /// A chart as `ui/charts.js` reads it from `data-chart` (its `chart(spec)`): the kind,
    /// the data, and the options the report sets.
    enum Chart: Encodable, Equatable {
        /// Lines over shared x labels (those of the first series), the y axis from 0 unless
        /// `fromZero` is false (fitted to the data: a metric moving in its third decimal).
        case line(title: String, series: [Series], fromZero: Bool = true)
        /// Vertical bars from 0, the value above each; `caption` is drawn at the top left.
        case bar(title: String, bars: [Point], format: Format, caption: String? = nil)
        /// The interval as a bar and the estimate as a dot, a row each; `zero` marks 0.
        case interval(title: String, rows: [Interval], zero: Bool, format: Format)

        /// One of charts.js's named `formats`.
        enum Format: String, Encodable {
            /// 0.1234
            case number
            /// 12.3%
            case percent
            /// +1.23%
            case signedPercent
        }

        struct Series: Encodable, Equatable {
            let name: String
            let points: [Point]
        }

        /// `[label, value]` in JSON; a missing or non-finite value is null.
        struct Point: Encodable, Equatable {
            let label: String
            let value: Double?

            init(_ label: String, _ value: Double?) {
                self.label = label
                self.value = value
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(label)
                if let value, value.isFinite { try container.encode(value) } else { try container.encodeNil() }
            }
        }

        struct Interval: Encodable, Equatable {
            let name: String
            let lower: Double
            let value: Double
            let upper: Double

            /// A row with a non-finite number is written with nulls, which charts.js leaves out.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(name, forKey: .name)
                for (key, number) in [(Key.lower, lower), (.value, value), (.upper, upper)] {
                    if number.isFinite { try container.encode(number, forKey: key) } else { try container.encodeNil(forKey: key) }
                }
            }
        }

        enum Key: String, CodingKey {
            case kind, title, series, fromZero, bars, rows, format, caption, zero, name, lower, value, upper
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .line(let title, let series, let fromZero):
                try container.encode("line", forKey: .kind)
                try container.encode(title, forKey: .title)
                try container.encode(series, forKey: .series)
                if !fromZero { try container.encode(false, forKey: .fromZero) }
            case .bar(let title, let bars, let format, let caption):
                try container.encode("bar", forKey: .kind)
                try container.encode(title, forKey: .title)
                try container.encode(bars, forKey: .bars)
                try container.encode(format, forKey: .format)
                try container.encodeIfPresent(caption, forKey: .caption)
            case .interval(let title, let rows, let zero, let format):
                try container.encode("interval", forKey: .kind)
                try container.encode(title, forKey: .title)
                try container.encode(rows, forKey: .rows)
                try container.encode(zero, forKey: .zero)
                try container.encode(format, forKey: .format)
            }
        }
    }
}
