import Foundation
import LineupBandit
import LineupCore
import Testing

@Suite struct BetaPosteriorTests {
    /// The mean and variance of 200,000 draws match the distribution's within five standard
    /// errors (each standard error estimated from the draws themselves), from U-shaped and
    /// skewed shapes below 1 to the peaked posteriors of long-running arms.
    @Test(arguments: [(0.5, 0.5), (1.0, 1.0), (0.2, 3.0), (2.0, 8.0), (30.0, 70.0), (500.0, 1500.0)])
    func drawsHaveTheDistributionsMoments(alpha: Double, beta: Double) {
        let posterior = BetaPosterior(alpha: alpha, beta: beta)
        var generator = SeededGenerator(seed: 11)
        let count = 200_000
        let draws = (0..<count).map { _ in posterior.sample(using: &generator) }
        #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 })
        let n = Double(count)
        let mean = draws.reduce(0, +) / n
        let squares = draws.map { ($0 - mean) * ($0 - mean) }
        let variance = squares.reduce(0, +) / (n - 1)
        let meanError = (variance / n).squareRoot()
        let varianceError = (squares.map { ($0 - variance) * ($0 - variance) }.reduce(0, +) / (n - 1) / n).squareRoot()
        #expect(abs(mean - posterior.mean) < 5 * meanError, "mean \(mean) against \(posterior.mean)")
        #expect(abs(variance - posterior.variance) < 5 * varianceError, "variance \(variance) against \(posterior.variance)")
    }

    @Test func evidenceFadesByItsHalfLife() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var evidence = Evidence(successes: 8, failures: 4, updatedAt: start)
        let later = start.addingTimeInterval(3_600)
        #expect(evidence.decayed(to: later, halfLife: 3_600) == Evidence(successes: 4, failures: 2, updatedAt: later))
        #expect(evidence.decayed(to: later, halfLife: nil) == Evidence(successes: 8, failures: 4, updatedAt: later))
        // A clock that steps back changes nothing.
        #expect(evidence.decayed(to: start.addingTimeInterval(-60), halfLife: 3_600) == evidence)
        evidence.add(reward: true, at: start.addingTimeInterval(7_200), halfLife: 3_600)
        #expect(evidence.successes == 3 && evidence.failures == 1)
        evidence.add(reward: false, at: start.addingTimeInterval(7_200), halfLife: 3_600)
        #expect(evidence.failures == 2)
        #expect(evidence.posterior(prior: Prior(alpha: 2, beta: 1)) == BetaPosterior(alpha: 5, beta: 3))
    }
}
