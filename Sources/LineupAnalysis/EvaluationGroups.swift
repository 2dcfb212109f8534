import Foundation
import LineupEvaluation

/// The accumulators of one evaluation pass, per group.
struct EvaluationGroups {
    var overall: MetricsAccumulator
    var overallAUC = SortedAUC()
    var replay: MetricsAccumulator
    var skipped = 0
    var template: MetricsAccumulator
    var grouped: [String: (metrics: MetricsAccumulator, auc: SortedAUC)] = [:]

    init(template: MetricsAccumulator) {
        self.template = template
        overall = template
        replay = template
    }

    /// `day:2026-11-22`, `ranker:two_stage` and, under an experiment, `variant:B`.
    static func keys(time: Date, ranker: String, variant: String?) -> [String] {
        let day = time.formatted(Date.ISO8601FormatStyle().year().month().day())
        return ["day:" + day, "ranker:" + ranker] + (variant.map { ["variant:" + $0] } ?? [])
    }

    mutating func add(_ items: [JudgedItem], keys: [String]) {
        overall.add(request: items)
        for key in keys { grouped[key, default: (template, SortedAUC())].metrics.add(request: items) }
    }

    mutating func addScore(_ score: Double, positive: Bool, keys: [String]) {
        overallAUC.add(score: score, positive: positive)
        for key in keys { grouped[key, default: (template, SortedAUC())].auc.add(score: score, positive: positive) }
    }

    func evaluation(replay: (name: String, auc: Double?)?) -> LogEvaluation {
        func slice(_ prefix: String) -> [String: EvaluationSummary] {
            var result: [String: EvaluationSummary] = [:]
            for (key, group) in grouped where key.hasPrefix(prefix) {
                result[String(key.dropFirst(prefix.count))] = group.metrics.summary(auc: group.auc.value)
            }
            return result
        }
        return LogEvaluation(
            overall: overall.summary(auc: overallAUC.value), byDay: slice("day:"), byRanker: slice("ranker:"),
            byVariant: slice("variant:"),
            replay: replay.map {
                LogEvaluation.Replay(model: $0.name, summary: self.replay.summary(auc: $0.auc), skippedRequests: skipped)
            })
    }
}
