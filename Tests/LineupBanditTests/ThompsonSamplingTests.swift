import Foundation
import LineupBandit
import LineupCore
import Testing

@Suite struct ThompsonSamplingTests {
    /// P(arm i has the largest rate) = ∫ pdf_i(x) Π_{j≠i} CDF_j(x) dx, on a grid of 200,000
    /// points with each CDF integrated from its pdf: an independent reference for the
    /// bank's shares.
    static func probabilityBest(_ posteriors: [BetaPosterior]) -> [Double] {
        let points = 200_000
        let step = 1 / Double(points)
        let xs = (0..<points).map { (Double($0) + 0.5) * step }
        let pdfs = posteriors.map { posterior in
            let logNorm = lgamma(posterior.alpha + posterior.beta) - lgamma(posterior.alpha) - lgamma(posterior.beta)
            return xs.map { x in exp(logNorm + (posterior.alpha - 1) * log(x) + (posterior.beta - 1) * log(1 - x)) }
        }
        let cdfs = pdfs.map { pdf in
            var sum = 0.0
            return pdf.map { value in
                sum += value * step
                return sum - value * step / 2
            }
        }
        return posteriors.indices.map { arm in
            var total = 0.0
            for point in 0..<points {
                var product = pdfs[arm][point] * step
                for other in posteriors.indices where other != arm { product *= cdfs[other][point] }
                total += product
            }
            return total
        }
    }

    @Test(arguments: [
        [BetaPosterior(alpha: 1, beta: 1), BetaPosterior(alpha: 1, beta: 1)],
        [BetaPosterior(alpha: 12, beta: 88), BetaPosterior(alpha: 10, beta: 90), BetaPosterior(alpha: 3, beta: 20)],
        [BetaPosterior(alpha: 2, beta: 30), BetaPosterior(alpha: 40, beta: 60)],
        [BetaPosterior(alpha: 120, beta: 880), BetaPosterior(alpha: 118, beta: 882)],
        (0..<8).map { BetaPosterior(alpha: 1 + Double($0 * 3), beta: 60 - Double($0 * 4)) },
    ])
    func propensitiesAreEachArmsChanceOfBeingBest(posteriors: [BetaPosterior]) {
        let policy = ThompsonSampling(posteriors: posteriors)
        #expect(abs(policy.propensities.reduce(0, +) - 1) < 1e-12)
        let reference = Self.probabilityBest(posteriors)
        #expect(abs(reference.reduce(0, +) - 1) < 1e-3, "the reference integrates to \(reference.reduce(0, +))")
        for (share, exact) in zip(policy.propensities, reference) {
            #expect(abs(share - exact) < 0.01, "bank \(policy.propensities) against \(reference)")
        }
    }

    @Test func decisionsFollowThePropensities() {
        let policy = ThompsonSampling(
            posteriors: [BetaPosterior(alpha: 5, beta: 20), BetaPosterior(alpha: 6, beta: 20), BetaPosterior(alpha: 2, beta: 20)])
        var generator = SeededGenerator(seed: 5)
        let count = 200_000
        var chosen = [Int](repeating: 0, count: 3)
        for _ in 0..<count {
            let decision = policy.decide(using: &generator)
            #expect(decision.propensity == policy.propensities[decision.arm])
            chosen[decision.arm] += 1
        }
        for arm in 0..<3 {
            let p = policy.propensities[arm]
            let error = (p * (1 - p) / Double(count)).squareRoot()
            #expect(abs(Double(chosen[arm]) / Double(count) - p) <= 5 * error + 1e-12)
        }
        // The same seed, the same decisions; the same posteriors, the same policy.
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let again = ThompsonSampling(posteriors: policy.posteriors)
        #expect(again.propensities == policy.propensities)
        for _ in 0..<100 { #expect(policy.decide(using: &first) == again.decide(using: &second)) }
    }

    @Test func greedyExploitsTheBestMeanWithCertainty() {
        let policy = ThompsonSampling(
            posteriors: [BetaPosterior(alpha: 1, beta: 3), BetaPosterior(alpha: 3, beta: 1), BetaPosterior(alpha: 6, beta: 2)])
        #expect(policy.greedy.arm == 1 && policy.greedy.propensity == 1)
        let tied = ThompsonSampling(posteriors: [BetaPosterior(alpha: 2, beta: 2), BetaPosterior(alpha: 2, beta: 2)])
        #expect(tied.greedy.arm == 0)
    }
}
