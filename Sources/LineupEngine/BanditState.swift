import LineupBandit

/// A surface's bandit as `GET /v1/surfaces/{surface}/bandit` shows it.
public struct BanditState: Sendable, Equatable {
    public struct Arm: Sendable, Equatable {
        public var arm: String
        public var name: String
        /// Decayed counts of settled decisions.
        public var successes: Double
        public var failures: Double
        public var posteriorMean: Double
        /// Share of the posterior in which this arm is best: the probability Thompson
        /// sampling chooses it.
        public var probabilityBest: Double
    }

    public struct Segment: Sendable, Equatable {
        /// "" for the whole surface.
        public var segment: String
        /// False while the segment has too little evidence and decides with the surface's.
        public var ownEvidence: Bool
        public var arms: [Arm]
    }

    public var surface: String
    public var frozen: Bool
    public var prior: Prior
    public var minimumSegmentEvidence: Double
    /// The whole surface first, then each segment with evidence.
    public var segments: [Segment]
}
