import Foundation
import LineupCore

/// Decides the order a session shows its candidates in. The simulator takes any policy, so the
/// demo history (`DefaultDashboard`), an upper bound (`Oracle`) and Lineup's own ranker can all
/// be served the same simulated traffic and compared.
public protocol RankingPolicy: Sendable {
    /// `candidates` in the order to show them; the first ones get most attention. The result
    /// may drop candidates; pins, hides and the screen size are applied afterwards.
    /// - Parameter rng: the policy's only source of randomness, so a run stays reproducible.
    func order(for user: User, candidates: [Item], at time: Date, using rng: inout SeededGenerator) -> [Item]
}
