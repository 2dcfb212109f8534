import Foundation
import LineupCore

/// Orders by the true attractiveness: the upper bound any learned policy is measured against.
public struct Oracle: RankingPolicy {
    public let simulator: Simulator

    public init(simulator: Simulator) {
        self.simulator = simulator
    }

    public func order(for user: User, candidates: [Item], at time: Date, using rng: inout SeededGenerator) -> [Item] {
        simulator.idealOrder(for: user, candidates: candidates)
    }
}
