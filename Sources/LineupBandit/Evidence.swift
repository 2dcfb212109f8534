import Foundation
import LineupCore

/// The rewards one arm earned: counts that may fade with age.
///
/// With a half-life, every count is multiplied by 0.5^(age / half-life) before anything is
/// added, so an arm's posterior follows preferences that drift instead of being pinned by
/// years of old outcomes. The counts are kept as of `updatedAt`; decaying them later is
/// exact, because halving composes.
public struct Evidence: Sendable, Equatable, Codable {
    public var successes: Double
    public var failures: Double
    public var updatedAt: Date

    public init(successes: Double = 0, failures: Double = 0, updatedAt: Date) {
        self.successes = successes
        self.failures = failures
        self.updatedAt = updatedAt
    }

    /// The counts as of `time` (never earlier than `updatedAt`: a clock that steps back
    /// does not bring old evidence back to life).
    public func decayed(to time: Date, halfLife: TimeInterval?) -> Evidence {
        let later = max(time, updatedAt)
        guard let halfLife, halfLife > 0 else { return Evidence(successes: successes, failures: failures, updatedAt: later) }
        let factor = HalfLife.factor(elapsed: later.timeIntervalSince(updatedAt), halfLife: halfLife)
        return Evidence(successes: successes * factor, failures: failures * factor, updatedAt: later)
    }

    /// Decays to `time`, then counts one outcome.
    public mutating func add(reward: Bool, at time: Date, halfLife: TimeInterval?) {
        self = decayed(to: time, halfLife: halfLife)
        if reward { successes += 1 } else { failures += 1 }
    }

    public func posterior(prior: Prior) -> BetaPosterior {
        BetaPosterior(alpha: prior.alpha + successes, beta: prior.beta + failures)
    }
}
