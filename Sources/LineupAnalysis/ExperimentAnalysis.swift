import LineupStatistics
import LineupStore

/// What `GET /v1/experiments/{experimentId}/analysis` and `lineup ab` report: per variant
/// the traffic and its engagement, and against the control the lifts, tests and Bayesian
/// odds an experimenter decides on, with the sample-ratio check that says whether the
/// split itself can be trusted.
public struct ExperimentAnalysis: Sendable, Codable, Equatable {
    public struct Variant: Sendable, Codable, Equatable {
        public var variant: String
        public var weight: Double
        /// Users whose first request under the experiment fell in this variant.
        public var usersExposed: Int
        public var requests: Int
        /// Requests with at least one engagement carrying their request id in the window.
        public var engagedRequests: Int
        /// Engaged requests per request, with its 95% Wilson interval (requests as units).
        public var requestRate: RateInterval
        /// Engaged requests per request with users as the unit: Σ engaged / Σ requests over
        /// users, its interval by the delta method.
        public var userRate: RatioEstimate?
        /// Shown widgets engaged with, over all requests.
        public var engagedWidgets: Int
        /// Engaged widgets per request with users as the unit (delta method): where a
        /// better order shows even when most requests engage something either way.
        public var widgetsPerRequest: RatioEstimate?
        /// NDCG@5 of the variant's logged responses, as `lineup eval` computes it.
        public var ndcgAt5: Double?
        /// Against the control; nil for the control itself.
        public var versusControl: Comparison?
        /// Set when the variant has too few users for its intervals to mean much.
        public var warning: String?
    }

    public struct Comparison: Sendable, Codable, Equatable {
        /// Engagement per request: difference and relative lift with 95% intervals and the
        /// two-proportion z-test, every request taken as independent. Users are what is
        /// randomised and a returning user's requests are alike, so these intervals are too
        /// narrow whenever users come back; `requestsByUser` is the one to read.
        public var requests: ProportionComparison
        /// Engagement per request with users as the unit: the difference of the delta-method
        /// estimates (nil below two users a side).
        public var requestsByUser: RatioComparison?
        /// Per-user engagement rates: Welch's t-test (nil below two users a side).
        public var perUser: WelchComparison?
        /// Engaged widgets per request: the difference of the delta-method estimates.
        public var widgets: RatioComparison?
        /// P(treatment's rate > control's) and the expected loss of choosing the
        /// treatment, from Beta(1, 1) posteriors, exact; each arm's request counts are
        /// first divided by its design effect, so that returning users count as the
        /// evidence they are, not as that many independent requests.
        public var chanceToBeatControl: Double
        public var expectedLoss: Double
    }

    public var experiment: String
    public var status: ExperimentStatus
    public var control: String
    public var variants: [Variant]
    /// Users exposed per variant against the configured weights; `mismatch` when p < 0.001.
    public var sampleRatio: SampleRatioTest
    /// Whatever makes the numbers above untrustworthy, loudly.
    public var warnings: [String]
}
