import ArgumentParser
import Foundation
import LineupCore
import LineupModels

/// One model card as a self-contained HTML page, in the style of `lineup eval --html` (the
/// same page, tables and inline charts.js): what the model was trained on and how, its
/// metric round by round, the features it leans on and, for a model trained with unbiased
/// LambdaMART, the examination by position it estimated.
struct ModelReport {
    let card: ModelCard

    init(card: ModelCard) {
        self.card = card
    }

    /// What the examination chart shows, in one line (the console says the same).
    static let examinationHint = "How much users look at a widget at each position compared with the first, as unbiased "
        + "LambdaMART estimated it from the log (t⁺ for the better widget of a pair, t⁻ for the worse): each pair counted "
        + "1/(t⁺·t⁻) in training, so an engagement where users seldom look weighs more."

    var html: String {
        let metrics = card.metrics
        var body = "<h1>Model \(HTMLReport.escape(card.version))</h1>\n"
        var lead = "\(card.objective), trained by \(card.trainer) on \(RFC3339.string(card.createdAt)); "
            + "\(card.features.count) features (schema version \(card.schemaVersion))"
        if let pairMethod = card.pairMethod { lead += "; LambdaMART pairs: \(pairMethod)" }
        if card.positionBias != nil { lead += "; corrected for position bias" }
        body += "<p class=\"lead\">\(HTMLReport.escape(lead)).</p>\n"
        var tiles = [("best round", "\(metrics.bestRound)"), ("rounds trained", "\(metrics.rounds.count)")]
        if let validation = metrics.validation { tiles.insert(("validation \(validation)", HTMLReport.number(metrics.bestValidation)), at: 0) }
        tiles.append(("training rows", "\(card.data.train.rows)"))
        body += HTMLReport.tiles(tiles)
        if let comparison = card.comparison, let active = comparison.activeValidation {
            let served = comparison.activeVersion.map { "Model \($0)" } ?? "The fallback order that was served"
            body += "<p>\(HTMLReport.escape(served)) validates \(HTMLReport.number(active)) on the same responses: this model is "
                + (comparison.better ? "better" : "not better") + ".</p>\n"
        }

        body += "<h2>Data</h2>\n" + dataSection
        body += "<h2>Parameters</h2>\n"
        body += HTMLReport.table(
            header: ["parameter", "value"], rows: card.parameters.sorted { $0.key < $1.key }.map { [$0.key, Self.value($0.value)] })

        body += "<h2>Rounds</h2>\n"
        let rounds = metrics.rounds.sorted { $0.round < $1.round }
        if rounds.isEmpty {
            body += "<p>No round was recorded.</p>\n"
        } else {
            var series = [HTMLReport.Chart.Series(name: "training \(metrics.train)", points: rounds.map { .init("\($0.round)", $0.train) })]
            if let validation = metrics.validation {
                series.append(.init(name: "validation \(validation)", points: rounds.map { .init("\($0.round)", $0.validation) }))
            }
            body += HTMLReport.chart(.line(title: "The metrics per round", series: series, fromZero: false))
        }

        if let bias = card.positionBias {
            body += "<h2>Examination by position</h2>\n<p>\(HTMLReport.escape(Self.examinationHint))</p>\n"
            let rows = Self.examination(bias)
            if rows.isEmpty {
                body += "<p>No pair reached any position: nothing was estimated.</p>\n"
            } else {
                body += HTMLReport.chart(
                    .line(
                        title: "Examination by position",
                        series: [
                            .init(name: "t⁺ better widget", points: rows.map { .init("\($0.position)", $0.plus) }),
                            .init(name: "t⁻ worse widget", points: rows.map { .init("\($0.position)", $0.minus) }),
                        ]))
                body += HTMLReport.table(
                    header: ["position", "t⁺", "t⁻"],
                    rows: rows.map { ["\($0.position)", HTMLReport.number($0.plus), HTMLReport.number($0.minus)] })
            }
        }

        body += "<h2>Feature importances</h2>\n"
        if card.importances.isEmpty {
            body += "<p>No feature was split on.</p>\n"
        } else {
            let total = card.importances.reduce(0) { $0 + $1.totalGain }
            body += HTMLReport.table(
                header: ["feature", "total gain", "share of gain", "splits"],
                rows: card.importances.map {
                    [$0.feature, String(format: "%.2f", $0.totalGain), HTMLReport.percent(total > 0 ? $0.totalGain / total : nil), "\($0.splits)"]
                })
        }

        if let loop = card.loop {
            body += "<h2>Served in the demo loop</h2>\n<p>\(HTMLReport.escape(loop.description))</p>\n"
            body += HTMLReport.table(
                header: ["ranker", "sessions", "engagement rate", "logged NDCG@5", "true NDCG@5"],
                rows: loop.arms.map {
                    [$0.name, "\($0.sessions)", HTMLReport.percent($0.engagementRate), HTMLReport.number($0.loggedNdcg5),
                     HTMLReport.number($0.trueNdcg5)]
                })
        }
        return HTMLReport.page(
            title: "Model \(card.version)", body: body,
            footer: "Written by lineup train from the model card \(card.version).card.json.")
    }

    /// Where the rows came from and how many there were per split.
    private var dataSection: String {
        let data = card.data
        var window = "Source: \(data.source)"
        if let start = data.windowStart { window += ", from \(RFC3339.string(start))" }
        if let end = data.windowEnd { window += " to \(RFC3339.string(end))" }
        if let split = data.splitAt { window += "; responses from \(RFC3339.string(split)) on validate" }
        var section = "<p>\(HTMLReport.escape(window)).</p>\n"
        let splits = [("training", data.train)] + (data.validation.map { [("validation", $0)] } ?? [])
        section += HTMLReport.table(
            header: ["split", "rows", "groups", "positives", "rows per label"],
            rows: splits.map { name, counts in
                let labels = counts.labelCounts.sorted { (Int($0.key) ?? .max, $0.key) < (Int($1.key) ?? .max, $1.key) }
                    .map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                return [name, "\(counts.rows)", "\(counts.groups)", "\(counts.positives)", labels]
            })
        if data.skipped.withoutFeatures > 0 || data.skipped.withoutEngagement > 0 {
            section += "<p>Left out: \(data.skipped.withoutFeatures) responses without logged features, "
                + "\(data.skipped.withoutEngagement) without an engaged widget.</p>\n"
        }
        return section
    }

    /// The estimates by displayed position (1-based); 0, a position no pair reached, as nil,
    /// and the positions after the last one reached left out.
    static func examination(_ bias: ModelCard.PositionBias) -> [(position: Int, plus: Double?, minus: Double?)] {
        let estimate = { (values: [Double], index: Int) -> Double? in
            index < values.count && values[index].isFinite && values[index] > 0 ? values[index] : nil
        }
        var rows = (0..<max(bias.plus.count, bias.minus.count)).map {
            (position: $0 + 1, plus: estimate(bias.plus, $0), minus: estimate(bias.minus, $0))
        }
        while let last = rows.last, last.plus == nil, last.minus == nil { rows.removeLast() }
        return rows
    }

    /// A parameter's value: whole numbers without decimals, others as they are.
    static func value(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
    }

    /// Writes the page (`lineup train --html`); a path that cannot be written is the caller's mistake.
    func write(toFile path: String) throws {
        do {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ArgumentParser.ValidationError("--html \(path) cannot be written: \(error.localizedDescription)")
        }
    }
}
