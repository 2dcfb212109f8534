import Foundation
import LineupBandit

/// The rewards one arm has earned in one segment of a surface, as stored.
public struct ArmEvidence: Sendable, Equatable {
    public var surface: String
    /// The segment key, or "" for the whole surface.
    public var segment: String
    public var arm: String
    public var evidence: Evidence

    public init(surface: String, segment: String, arm: String, evidence: Evidence) {
        self.surface = surface
        self.segment = segment
        self.arm = arm
        self.evidence = evidence
    }
}
