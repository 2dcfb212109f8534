import Foundation
import LineupBandit
import LineupCore
import Testing

@Suite struct OffPolicyEstimateTests {
    static let rates = [0.2, 0.5, 0.35]

    /// `count` decisions logged by a uniform policy over the arms, with Bernoulli rewards.
    static func uniformLog(count: Int, seed: UInt64) -> [(arm: Int, reward: Double)] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let arm = Int.random(in: 0..<rates.count, using: &generator)
            return (arm, generator.nextUnit() < rates[arm] ? 1 : 0)
        }
    }

    static func always(_ arm: Int, on log: [(arm: Int, reward: Double)]) -> OffPolicyEstimate {
        OffPolicyEstimate(log.map {
            LoggedDecision(propensity: 1 / Double(rates.count), reward: $0.reward, target: $0.arm == arm ? 1 : 0)
        })
    }

    @Test func alwaysOneArmIsRecoveredFromUniformLogs() {
        let log = Self.uniformLog(count: 3_000, seed: 1)
        for (arm, rate) in Self.rates.enumerated() {
            let estimate = Self.always(arm, on: log)
            #expect(estimate.ipsLower <= rate && rate <= estimate.ipsUpper, "\(estimate)")
            #expect(estimate.snipsLower <= rate && rate <= estimate.snipsUpper, "\(estimate)")
            #expect(abs(estimate.effectiveSampleSize - Double(log.filter { $0.arm == arm }.count)) < 1e-6)
        }
    }

    /// Over 400 seeded logs, the 95% intervals hold the true rate 95% of the time (± 3%).
    @Test func intervalsCoverTheTruthNinetyFivePercentOfTheTime() {
        var covered = (ips: 0, snips: 0)
        let replications = 400
        for seed in 0..<replications {
            let estimate = Self.always(1, on: Self.uniformLog(count: 1_000, seed: UInt64(100 + seed)))
            if estimate.ipsLower <= Self.rates[1] && Self.rates[1] <= estimate.ipsUpper { covered.ips += 1 }
            if estimate.snipsLower <= Self.rates[1] && Self.rates[1] <= estimate.snipsUpper { covered.snips += 1 }
        }
        #expect(abs(Double(covered.ips) / Double(replications) - 0.95) <= 0.03, "IPS covered \(covered.ips)")
        #expect(abs(Double(covered.snips) / Double(replications) - 0.95) <= 0.03, "SNIPS covered \(covered.snips)")
    }

    @Test func evaluatingTheLoggingPolicyGivesTheMeanReward() {
        let log = Self.uniformLog(count: 500, seed: 3)
        let estimate = OffPolicyEstimate(log.map {
            LoggedDecision(propensity: 1 / 3, reward: $0.reward, target: 1 / 3)
        })
        let mean = log.map(\.reward).reduce(0, +) / Double(log.count)
        #expect(abs(estimate.ips - mean) < 1e-12 && abs(estimate.snips - mean) < 1e-12)
    }

    /// Four decisions, the formulas written out here once more.
    @Test func theFormulasOnASmallLog() {
        let logged = [
            LoggedDecision(propensity: 0.5, reward: 1, target: 1), LoggedDecision(propensity: 0.25, reward: 0, target: 1),
            LoggedDecision(propensity: 0.8, reward: 1, target: 0), LoggedDecision(propensity: 0.2, reward: 1, target: 0.5),
        ]
        let estimate = OffPolicyEstimate(logged)
        let w = logged.map { $0.target / $0.propensity }
        let terms = zip(w, logged).map { $0 * $1.reward }
        let n = 4.0, z = 1.959963984540054
        let ips = terms.reduce(0, +) / n
        let sd = (terms.map { ($0 - ips) * ($0 - ips) }.reduce(0, +) / (n - 1)).squareRoot()
        let snips = terms.reduce(0, +) / w.reduce(0, +)
        let meanW = w.reduce(0, +) / n
        let se = (zip(w, logged).map { $0 * $0 * ($1.reward - snips) * ($1.reward - snips) }.reduce(0, +) / n / (meanW * meanW) / n).squareRoot()
        #expect(abs(estimate.ips - ips) < 1e-12)
        #expect(abs(estimate.ipsUpper - (ips + z * sd / n.squareRoot())) < 1e-12)
        #expect(abs(estimate.snips - snips) < 1e-12)
        #expect(abs(estimate.snipsLower - (snips - z * se)) < 1e-12)
        #expect(abs(estimate.effectiveSampleSize - w.reduce(0, +) * w.reduce(0, +) / w.map { $0 * $0 }.reduce(0, +)) < 1e-12)
        let nothing = OffPolicyEstimate([LoggedDecision(propensity: 0.5, reward: 1, target: 0)])
        #expect(nothing.snips == 0 && nothing.snipsLower == 0 && nothing.snipsUpper == 1 && nothing.effectiveSampleSize == 0)
    }
}
