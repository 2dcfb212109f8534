import LineupCore

/// Beta-Bernoulli Thompson sampling over a fixed set of arm posteriors, with the
/// propensity of every choice.
///
/// Thompson sampling draws one rate from each posterior and plays the largest, so it plays
/// an arm with the posterior probability that the arm is best. That probability has no
/// closed form beyond two arms; off-policy evaluation needs it for every decision. So the
/// policy is built once per set of posteriors: `draws` joint samples are drawn with a fixed
/// seed (the same posteriors give the same policy), and for each the best arm is kept, in a
/// bank. A decision picks one bank entry uniformly at random and plays its arm: that is a
/// draw from the posterior and its argmax, i.e. Thompson sampling, costing a random index
/// and a lookup. The arm's share of the bank is then *exactly* the probability with which
/// this policy chose it (what IPS must divide by) and, with 10,000 draws, within ±0.01 of
/// the posterior probability of being best (standard error at most 0.005).
public struct ThompsonSampling: Sendable {
    public struct Decision: Sendable, Equatable {
        public var arm: Int
        /// The probability this policy had of choosing `arm`.
        public var propensity: Double
    }

    public let posteriors: [BetaPosterior]
    /// Each arm's share of the bank: its probability of being chosen, and of being best.
    public let propensities: [Double]
    /// The best arm of each joint draw.
    private let bank: [UInt8]

    /// Most arms one policy takes: the bank stores an arm in a byte.
    public static let maxArms = 256

    public init(posteriors: [BetaPosterior], draws: Int = 10_000, seed: UInt64 = 0x5EED) {
        precondition(!posteriors.isEmpty && posteriors.count <= Self.maxArms, "1...\(Self.maxArms) arms")
        precondition(draws > 0, "draws must be positive")
        self.posteriors = posteriors
        var generator = SeededGenerator(seed: seed)
        var bank = [UInt8](repeating: 0, count: draws)
        var wins = [Int](repeating: 0, count: posteriors.count)
        for draw in 0..<draws {
            var best = 0
            var bestRate = -1.0
            for (arm, posterior) in posteriors.enumerated() {
                let rate = posterior.sample(using: &generator)
                if rate > bestRate {
                    bestRate = rate
                    best = arm
                }
            }
            bank[draw] = UInt8(best)
            wins[best] += 1
        }
        self.bank = bank
        propensities = wins.map { Double($0) / Double(draws) }
    }

    /// One exploring decision.
    public func decide<G: RandomNumberGenerator>(using generator: inout G) -> Decision {
        let arm = Int(bank[Int.random(in: 0..<bank.count, using: &generator)])
        return Decision(arm: arm, propensity: propensities[arm])
    }

    /// Exploit only (a frozen surface): the largest posterior mean, the first on ties,
    /// with certainty.
    public var greedy: Decision {
        Decision(arm: Self.greedy(posteriors), propensity: 1)
    }

    /// The arm with the largest posterior mean, the first on ties: what a frozen surface
    /// serves, and the greedy policy the off-policy reports estimate.
    public static func greedy(_ posteriors: [BetaPosterior]) -> Int {
        var best = 0
        for arm in posteriors.indices where posteriors[arm].mean > posteriors[best].mean { best = arm }
        return best
    }
}
