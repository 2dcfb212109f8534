import Foundation
import LineupBandit
import LineupCore
import Testing

/// Seeded simulations with known arm rates: Thompson sampling, as the engine runs it (the
/// bank redrawn from the evidence every so many decisions), against uniform and ε-greedy
/// on the same stream of outcomes.
@Suite struct BanditSimulationTests {
    static let rates = [0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.12]
    static let horizon = 60_000

    /// What a policy did over the horizon.
    struct Run {
        var chosen: [Int] = []
        /// Expected regret after each decision: Σ (best rate − rate of the chosen arm).
        var regret: [Double] = []

        mutating func record(_ arm: Int) {
            chosen.append(arm)
            regret.append((regret.last ?? 0) + BanditSimulationTests.rates.max()! - BanditSimulationTests.rates[arm])
        }
    }

    /// One uniform number per step decides every arm's outcome at that step: all policies
    /// see the same stream.
    static func stream(seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<horizon).map { _ in generator.nextUnit() }
    }

    static func thompson(_ stream: [Double], seed: UInt64, refreshEvery: Int = 500) -> Run {
        var evidence = [(successes: Double, failures: Double)](repeating: (0, 0), count: rates.count)
        var generator = SeededGenerator(seed: seed)
        var run = Run()
        var policy = ThompsonSampling(posteriors: rates.map { _ in BetaPosterior(alpha: 1, beta: 1) }, draws: 2_000)
        for (step, outcome) in stream.enumerated() {
            if step % refreshEvery == 0 && step > 0 {
                policy = ThompsonSampling(
                    posteriors: evidence.map { BetaPosterior(alpha: 1 + $0.successes, beta: 1 + $0.failures) }, draws: 2_000,
                    seed: UInt64(step))
            }
            let arm = policy.decide(using: &generator).arm
            if outcome < rates[arm] { evidence[arm].successes += 1 } else { evidence[arm].failures += 1 }
            run.record(arm)
        }
        return run
    }

    static func uniform(_ stream: [Double], seed: UInt64) -> Run {
        var generator = SeededGenerator(seed: seed)
        var run = Run()
        for _ in stream { run.record(Int.random(in: 0..<rates.count, using: &generator)) }
        return run
    }

    static func epsilonGreedy(_ stream: [Double], seed: UInt64, epsilon: Double = 0.1) -> Run {
        var generator = SeededGenerator(seed: seed)
        var pulls = [Double](repeating: 0, count: rates.count), wins = [Double](repeating: 0, count: rates.count)
        var run = Run()
        for outcome in stream {
            let arm: Int
            if generator.nextUnit() < epsilon || pulls.contains(0) {
                arm = Int.random(in: 0..<rates.count, using: &generator)
            } else {
                arm = rates.indices.max { wins[$0] / pulls[$0] < wins[$1] / pulls[$1] }!
            }
            pulls[arm] += 1
            if outcome < rates[arm] { wins[arm] += 1 }
            run.record(arm)
        }
        return run
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func thompsonConvergesWithSublinearRegretAndBeatsTheBaselines(seed: UInt64) {
        let stream = Self.stream(seed: seed)
        let thompson = Self.thompson(stream, seed: seed)
        let best = Self.rates.indices.max { Self.rates[$0] < Self.rates[$1] }!
        let tail = thompson.chosen.suffix(Self.horizon / 5)
        let share = Double(tail.filter { $0 == best }.count) / Double(tail.count)
        #expect(share > 0.9, "best arm's share of the last fifth: \(share)")
        // Sub-linear: the second half adds less regret than the first, and the average
        // regret per decision keeps falling.
        let half = thompson.regret[Self.horizon / 2 - 1], end = thompson.regret[Self.horizon - 1]
        #expect(end - half < half, "regret \(half) then \(end - half)")
        #expect(end / Double(Self.horizon) < thompson.regret[Self.horizon / 4 - 1] / Double(Self.horizon / 4))
        let uniform = Self.uniform(stream, seed: seed), greedy = Self.epsilonGreedy(stream, seed: seed)
        #expect(end < uniform.regret.last!, "Thompson \(end), uniform \(uniform.regret.last!)")
        #expect(end < greedy.regret.last!, "Thompson \(end), ε-greedy \(greedy.regret.last!)")
    }
}
