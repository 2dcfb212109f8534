import Foundation

/// The rewards one arm has earned in one segment of a surface, as stored: counts as of
/// `updatedAt`. How they fade and grow is the bandit's rule (`LineupBandit.Evidence`); a
/// store keeps what it is given.
public struct ArmEvidence: Sendable, Hashable {
    public var surface: String
    /// The segment key, or "" for the whole surface.
    public var segment: String
    public var arm: String
    public var successes: Double
    public var failures: Double
    public var updatedAt: Date

    public init(surface: String, segment: String, arm: String, successes: Double, failures: Double, updatedAt: Date) {
        self.surface = surface
        self.segment = segment
        self.arm = arm
        self.successes = successes
        self.failures = failures
        self.updatedAt = updatedAt
    }
}
