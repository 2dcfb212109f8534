import Foundation

/// Exponential decay by half-life: the one formula behind every count that fades with age
/// (user vectors, stage 2's counters, the bandit's evidence), so a "7-day half-life" means
/// the same wherever it is set.
public enum HalfLife {
    /// The weight left after `elapsed` seconds: 2^(−elapsed / halfLife). 1 for no time, ½
    /// after one half-life; `elapsed` may be negative (an event timestamped later than the
    /// count it joins weighs more than 1 there).
    @inlinable
    public static func factor(elapsed: Double, halfLife: Double) -> Double {
        exp2(-elapsed / halfLife)
    }
}
