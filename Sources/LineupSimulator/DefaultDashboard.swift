import Foundation
import LineupCore

/// The order the product used before Lineup: the editors' layout, identical for everyone,
/// slightly jittered (widgets get moved around, screens differ). The demo history is served with
/// it, so the logged data carries the usual confounding of position with the editors' taste.
public struct DefaultDashboard: RankingPolicy {
    /// Higher first; widgets without a score go last, in candidate order.
    public var editorialScores: [String: Double]
    /// Standard deviation of the noise added to the scores on each session. Default 0.3.
    public var jitter: Double

    public init(editorialScores: [String: Double], jitter: Double = 0.3) {
        self.editorialScores = editorialScores
        self.jitter = jitter
    }

    public func order(for user: User, candidates: [Item], at time: Date, using rng: inout SeededGenerator) -> [Item] {
        var keyed: [(score: Double, index: Int)] = []
        keyed.reserveCapacity(candidates.count)
        for (index, item) in candidates.enumerated() {
            let noise = jitter * rng.nextGaussian()
            keyed.append(((editorialScores[item.id] ?? -.infinity) + noise, index))
        }
        keyed.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        return keyed.map { candidates[$0.index] }
    }
}
