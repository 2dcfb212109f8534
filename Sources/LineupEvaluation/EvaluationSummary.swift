/// The metrics of a set of served responses. Undefined values (no response with a
/// positive label, no negatives for the AUC) are nil, never NaN.
public struct EvaluationSummary: Sendable, Codable, Equatable {
    public var requests: Int
    /// Widgets shown.
    public var impressions: Int
    /// Responses with at least one label above 0: what NDCG, Recall and MRR average over.
    public var requestsWithPositive: Int
    /// Shown widgets with a label above 0, per shown widget.
    public var engagementRate: Double?
    /// Pooled over every shown widget: label > 0 against the rest, ties counting one half.
    public var auc: Double?
    public var mrr: Double?
    public var cutoffs: [Cutoff]
    /// The position-bias curve: engagement per served position.
    public var positions: [Position]

    public struct Cutoff: Sendable, Codable, Equatable {
        public var k: Int
        public var ndcg: Double?
        public var recall: Double?

        public init(k: Int, ndcg: Double?, recall: Double?) {
            self.k = k
            self.ndcg = ndcg
            self.recall = recall
        }
    }

    public struct Position: Sendable, Codable, Equatable {
        public var position: Int
        public var impressions: Int
        public var engagementRate: Double?

        public init(position: Int, impressions: Int, engagementRate: Double?) {
            self.position = position
            self.impressions = impressions
            self.engagementRate = engagementRate
        }

        enum CodingKeys: String, CodingKey {
            case position, impressions
            case engagementRate = "engagement_rate"
        }
    }

    public init(
        requests: Int, impressions: Int, requestsWithPositive: Int, engagementRate: Double?, auc: Double?, mrr: Double?,
        cutoffs: [Cutoff], positions: [Position]
    ) {
        self.requests = requests
        self.impressions = impressions
        self.requestsWithPositive = requestsWithPositive
        self.engagementRate = engagementRate
        self.auc = auc
        self.mrr = mrr
        self.cutoffs = cutoffs
        self.positions = positions
    }

    enum CodingKeys: String, CodingKey {
        case requests, impressions, auc, mrr, cutoffs, positions
        case requestsWithPositive = "requests_with_positive"
        case engagementRate = "engagement_rate"
    }
}
