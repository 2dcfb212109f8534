import Foundation
import LineupCore

extension Simulator {
    /// The true probability that `user` engages with `item` once they look at it:
    /// sigmoid(tasteWeight · ⟨taste, topic⟩ + popularity + bias).
    ///
    /// Evaluation uses it to build ideal orderings; the click model uses the same number, so
    /// "ideal" is exactly what the simulated users reward. 0 for a user or widget not in this world.
    public func attractiveness(of item: Item, for user: User) -> Double {
        guard let i = itemIndex[item.id], let u = userIndex[user.id] else { return 0 }
        return attractiveness(item: i, user: u)
    }

    /// `candidates` by decreasing true attractiveness (ties in candidate order).
    public func idealOrder(for user: User, candidates: [Item]) -> [Item] {
        let scored = candidates.enumerated().map { (score: attractiveness(of: $1, for: user), index: $0) }
        return scored
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
            .map { candidates[$0.index] }
    }

    /// The user's hidden taste vector (unit length), or nil for a stranger.
    public func taste(of user: User) -> [Float]? {
        userIndex[user.id].map { Array(userVectors[$0 * dimension ..< ($0 + 1) * dimension]) }
    }

    /// The widget's hidden topic vector (unit length), or nil for a stranger.
    public func topic(of item: Item) -> [Float]? {
        itemIndex[item.id].map { Array(itemVectors[$0 * dimension ..< ($0 + 1) * dimension]) }
    }

    /// The widget's hidden, taste-independent appeal (a logit offset), or nil for a stranger.
    public func popularity(of item: Item) -> Double? {
        itemIndex[item.id].map { itemPopularity[$0] }
    }

    func attractiveness(item i: Int, user u: Int) -> Double {
        var dot: Float = 0
        let itemBase = i * dimension
        let userBase = u * dimension
        for k in 0..<dimension {
            dot += itemVectors[itemBase + k] * userVectors[userBase + k]
        }
        let logit = configuration.tasteWeight * Double(dot) + itemPopularity[i] + configuration.attractivenessBias
        return 1 / (1 + exp(-logit))
    }
}
