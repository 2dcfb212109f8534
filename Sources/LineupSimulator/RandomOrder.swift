import Foundation
import LineupCore

/// A uniformly random order: the lower bound, and the logging policy whose data is free of
/// position confounding (every widget visits every position).
public struct RandomOrder: RankingPolicy {
    public init() {}

    public func order(for user: User, candidates: [Item], at time: Date, using rng: inout SeededGenerator) -> [Item] {
        var shuffled = candidates
        rng.shuffle(&shuffled)
        return shuffled
    }
}
