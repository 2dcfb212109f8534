import LineupEvaluation

/// What `lineup eval` and `GET /v1/eval` report for a window of the impression log: the
/// metrics over every matching response, broken down by day, ranker and variant, and,
/// when a candidate model was given, the same metrics for the order it would have served
/// on exactly the same responses and labels.
public struct LogEvaluation: Sendable, Codable, Equatable {
    public var overall: EvaluationSummary
    /// Keyed by UTC day, `2026-11-22`.
    public var byDay: [String: EvaluationSummary]
    public var byRanker: [String: EvaluationSummary]
    /// Only responses served under an experiment.
    public var byVariant: [String: EvaluationSummary]
    /// The candidate model's order of the same responses (those logged with feature
    /// vectors); `overall` then covers the same responses.
    public var replay: Replay?

    public init(
        overall: EvaluationSummary, byDay: [String: EvaluationSummary] = [:], byRanker: [String: EvaluationSummary] = [:],
        byVariant: [String: EvaluationSummary] = [:], replay: Replay? = nil
    ) {
        self.overall = overall
        self.byDay = byDay
        self.byRanker = byRanker
        self.byVariant = byVariant
        self.replay = replay
    }

    public struct Replay: Sendable, Codable, Equatable {
        /// The model file or version replayed.
        public var model: String
        public var summary: EvaluationSummary
        /// Matching responses left out because no feature vectors were logged for them
        /// (served without a model).
        public var skippedRequests: Int

        enum CodingKeys: String, CodingKey {
            case model, summary
            case skippedRequests = "skipped_requests"
        }
    }

    enum CodingKeys: String, CodingKey {
        case overall
        case byDay = "by_day"
        case byRanker = "by_ranker"
        case byVariant = "by_variant"
        case replay
    }
}
