import Foundation
import LineupAnalysis
import LineupEvaluation

/// `lineup eval`'s tables for people.
struct EvaluationReport {
    let evaluation: LogEvaluation

    var text: String {
        let overall = evaluation.overall
        var lines: [String] = []
        lines.append(
            "\(overall.requests) requests, \(overall.impressions) impressions, \(overall.requestsWithPositive) requests with an engagement, "
                + "engagement rate \(Self.percent(overall.engagementRate))")
        if let replay = evaluation.replay {
            lines.append("replay of \(replay.model) on the same requests (\(replay.skippedRequests) logged without feature vectors left out)")
            lines.append("")
            lines.append(Self.row(["metric", "served", "replayed", "difference"]))
            lines.append(Self.row(["---", "---:", "---:", "---:"]))
            for (served, replayed) in zip(overall.cutoffs, replay.summary.cutoffs) {
                lines.append(Self.comparison("NDCG@\(served.k)", served.ndcg, replayed.ndcg))
            }
            for (served, replayed) in zip(overall.cutoffs, replay.summary.cutoffs) {
                lines.append(Self.comparison("Recall@\(served.k)", served.recall, replayed.recall))
            }
            lines.append(Self.comparison("MRR", overall.mrr, replay.summary.mrr))
            lines.append(Self.comparison("AUC", overall.auc, replay.summary.auc))
        } else {
            lines.append("")
            lines.append(Self.row(["metric", "value"]))
            lines.append(Self.row(["---", "---:"]))
            for cutoff in overall.cutoffs { lines.append(Self.row(["NDCG@\(cutoff.k)", Self.number(cutoff.ndcg)])) }
            for cutoff in overall.cutoffs { lines.append(Self.row(["Recall@\(cutoff.k)", Self.number(cutoff.recall)])) }
            lines.append(Self.row(["MRR", Self.number(overall.mrr)]))
            lines.append(Self.row(["AUC", Self.number(overall.auc)]))
        }
        if !overall.positions.isEmpty {
            lines.append("")
            lines.append("engagement by position (the position-bias curve):")
            lines.append("")
            lines.append(Self.row(["position", "impressions", "engagement rate"]))
            lines.append(Self.row(["---:", "---:", "---:"]))
            for position in overall.positions {
                lines.append(Self.row(["\(position.position)", "\(position.impressions)", Self.percent(position.engagementRate)]))
            }
        }
        for (title, groups) in [("ranker", evaluation.byRanker), ("variant", evaluation.byVariant), ("day", evaluation.byDay)]
        where groups.count > 1 || (title == "ranker" && !groups.isEmpty) {
            let k = overall.cutoffs.first { $0.k == 5 }?.k ?? overall.cutoffs.last?.k ?? 5
            lines.append("")
            lines.append("by \(title):")
            lines.append("")
            lines.append(Self.row([title, "requests", "engagement rate", "NDCG@\(k)", "MRR", "AUC"]))
            lines.append(Self.row(["---", "---:", "---:", "---:", "---:", "---:"]))
            for (key, summary) in groups.sorted(by: { $0.key < $1.key }) {
                lines.append(Self.row([
                    key, "\(summary.requests)", Self.percent(summary.engagementRate),
                    Self.number(summary.cutoffs.first { $0.k == k }?.ndcg), Self.number(summary.mrr), Self.number(summary.auc),
                ]))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.2f%%", 100 * $0) } ?? "—" }

    static func comparison(_ name: String, _ served: Double?, _ replayed: Double?) -> String {
        let difference = served.flatMap { a in replayed.map { b in String(format: "%+.4f", b - a) } } ?? "—"
        return row([name, number(served), number(replayed), difference])
    }
}
