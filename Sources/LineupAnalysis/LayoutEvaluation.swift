import LineupBandit
import LineupStatistics

/// What the layout decisions of one surface earned, and off-policy estimates of what other
/// policies would have earned on the same traffic.
public struct LayoutEvaluation: Sendable, Equatable, Codable {
    public struct Arm: Sendable, Equatable, Codable {
        public var arm: String
        public var name: String
        public var retired: Bool
        public var decisions: Int
        /// Decisions whose window has closed or that were rewarded.
        public var settled: Int
        public var rewards: Int
        /// Rewards per settled decision, with its 95% Wilson interval.
        public var rewardRate: RateInterval
        /// Surface-wide, as of now.
        public var posteriorMean: Double?
        public var probabilityBest: Double?
    }

    public struct Policy: Sendable, Equatable, Codable {
        /// `always:<arm>`, `uniform` or `greedy`.
        public var policy: String
        public var estimate: OffPolicyEstimate
    }

    public var surface: String
    public var decisions: Int
    /// Decisions still in their attribution window (left out of the estimates).
    public var pending: Int
    public var arms: [Arm]
    public var policies: [Policy]
}
