import Foundation
import LineupCore
import LineupStatistics
import Testing

/// Seeded simulations: with no true difference the tests reject 5% of the time and their
/// p-values are uniform; with a true lift they find it as often as their power says.
@Suite struct StatisticsSimulationTests {
    /// One arm: `users` users with 1–3 requests each, each request engaged with `rate`.
    static func arm(users: Int, rate: Double, maxRequests: Int, using generator: inout SeededGenerator)
        -> (engaged: Double, requests: Double, perUser: [Double])
    {
        var engaged = 0.0, requests = 0.0
        var perUser: [Double] = []
        perUser.reserveCapacity(users)
        for _ in 0..<users {
            let count = 1 + Int(generator.next() % UInt64(maxRequests))
            var hits = 0
            for _ in 0..<count where generator.nextUnit() < rate { hits += 1 }
            engaged += Double(hits)
            requests += Double(count)
            perUser.append(Double(hits) / Double(count))
        }
        return (engaged, requests, perUser)
    }

    /// 5,000 A/A experiments of 1,000 users an arm at rate 0.1: each test rejects at 5% in
    /// 5% ± 1% of them (the standard error of that share is 0.3%), and the p-values fill ten
    /// equal bins within four standard errors (√(5000 · 0.1 · 0.9) ≈ 21 experiments).
    @Test func aaExperimentsRejectFivePercentWithUniformPValues() {
        var generator = SeededGenerator(seed: 2026)
        let runs = 5_000
        var zBins = [Int](repeating: 0, count: 10), welchBins = [Int](repeating: 0, count: 10)
        var zRejected = 0, welchRejected = 0
        for _ in 0..<runs {
            let a = Self.arm(users: 1_000, rate: 0.1, maxRequests: 3, using: &generator)
            let b = Self.arm(users: 1_000, rate: 0.1, maxRequests: 3, using: &generator)
            let z = ProportionComparison(
                controlSuccesses: a.engaged, controlTrials: a.requests, treatmentSuccesses: b.engaged, treatmentTrials: b.requests)
            let welch = WelchComparison(control: a.perUser, treatment: b.perUser)
            if z.pValue < 0.05 { zRejected += 1 }
            if welch.pValue < 0.05 { welchRejected += 1 }
            zBins[min(9, Int(z.pValue * 10))] += 1
            welchBins[min(9, Int(welch.pValue * 10))] += 1
        }
        #expect(abs(Double(zRejected) / Double(runs) - 0.05) <= 0.01, "z-test rejected \(zRejected) of \(runs)")
        #expect(abs(Double(welchRejected) / Double(runs) - 0.05) <= 0.01, "Welch rejected \(welchRejected) of \(runs)")
        let expected = Double(runs) / 10, spread = (Double(runs) * 0.1 * 0.9).squareRoot()
        for (name, bins) in [("z", zBins), ("Welch", welchBins)] {
            #expect(bins.allSatisfy { abs(Double($0) - expected) <= 4 * spread }, "\(name) p-value bins \(bins)")
        }
    }

    /// 2,000 A/A experiments randomised by user, where users differ: each of 500 users an arm
    /// has 1–20 requests and a rate of its own, uniform on [0.05, 0.55]. A user's requests are
    /// then alike, and the pooled z-test, which takes every request as independent, is too
    /// sure of itself: its variance is about half the truth (design effect ≈ 1 + (m − 1)·ICC
    /// ≈ 1 + 9.5 · 0.1), so it rejects far more than 5%. The delta method with users as the
    /// unit rejects 5% ± 1.5% (three standard errors of that share over 2,000 runs). So does
    /// the Bayesian chance to beat the control, read as a two-sided test (below 2.5% or above
    /// 97.5%), once each arm's counts are divided by its design effect, and not before.
    @Test func usersWithTheirOwnRatesNeedUsersAsTheUnit() {
        var generator = SeededGenerator(seed: 99)
        func arm() -> (engaged: Double, requests: Double, perUser: RatioEstimate) {
            var engaged: [Double] = [], requests: [Double] = []
            for _ in 0..<500 {
                let rate = 0.05 + 0.5 * generator.nextUnit()
                let count = 1 + Int(generator.next() % 20)
                var hits = 0
                for _ in 0..<count where generator.nextUnit() < rate { hits += 1 }
                engaged.append(Double(hits))
                requests.append(Double(count))
            }
            return (engaged.reduce(0, +), requests.reduce(0, +), RatioEstimate(numerators: engaged, denominators: requests))
        }
        let runs = 2_000
        var zRejected = 0, deltaRejected = 0, bayesRejected = 0, adjustedRejected = 0
        for _ in 0..<runs {
            let a = arm(), b = arm()
            let z = ProportionComparison(
                controlSuccesses: a.engaged, controlTrials: a.requests, treatmentSuccesses: b.engaged, treatmentTrials: b.requests)
            let delta = RatioComparison(control: a.perUser, treatment: b.perUser)
            if z.pValue < 0.05 { zRejected += 1 }
            if delta.pValue < 0.05 { deltaRejected += 1 }
            let counts = (Int(a.engaged), Int(a.requests), Int(b.engaged), Int(b.requests))
            let bayes = BayesianComparison(
                controlSuccesses: counts.0, controlTrials: counts.1, treatmentSuccesses: counts.2, treatmentTrials: counts.3)
            let adjusted = BayesianComparison(
                controlSuccesses: counts.0, controlTrials: counts.1, treatmentSuccesses: counts.2, treatmentTrials: counts.3,
                controlDesignEffect: a.perUser.designEffect(trials: a.requests),
                treatmentDesignEffect: b.perUser.designEffect(trials: b.requests))
            if abs(bayes.chanceToBeatControl - 0.5) > 0.475 { bayesRejected += 1 }
            if abs(adjusted.chanceToBeatControl - 0.5) > 0.475 { adjustedRejected += 1 }
        }
        #expect(Double(zRejected) / Double(runs) > 0.10, "the pooled z-test rejected \(zRejected) of \(runs)")
        #expect(abs(Double(deltaRejected) / Double(runs) - 0.05) <= 0.015, "the delta method rejected \(deltaRejected) of \(runs)")
        #expect(Double(bayesRejected) / Double(runs) > 0.10, "the request counts' posteriors were sure \(bayesRejected) times of \(runs)")
        #expect(
            abs(Double(adjustedRejected) / Double(runs) - 0.05) <= 0.015,
            "the design-effect posteriors were sure \(adjustedRejected) times of \(runs)")
    }

    /// 200 A/B experiments, 20,000 users an arm with one request each, rates 0.10 and 0.11
    /// (a 10% lift): the z-test's power is Φ(0.01 / √(0.1·0.9/20000 + 0.11·0.89/20000) −
    /// 1.96) ≈ 0.90, so it should find the lift in at least 80% of them (4.7 standard errors
    /// below 0.90), and the relative lift's interval should hold 10% about 95% of the time.
    @Test func aLiftIsDetectedAsOftenAsThePowerSays() {
        var generator = SeededGenerator(seed: 7)
        let runs = 200
        var detected = 0, covered = 0, favoured = 0
        for _ in 0..<runs {
            let a = Self.arm(users: 20_000, rate: 0.10, maxRequests: 1, using: &generator)
            let b = Self.arm(users: 20_000, rate: 0.11, maxRequests: 1, using: &generator)
            let z = ProportionComparison(
                controlSuccesses: a.engaged, controlTrials: a.requests, treatmentSuccesses: b.engaged, treatmentTrials: b.requests)
            if z.pValue < 0.05 && z.difference > 0 { detected += 1 }
            if let lower = z.relativeLower, let upper = z.relativeUpper, lower <= 0.1 && 0.1 <= upper { covered += 1 }
            let bayes = BayesianComparison(
                controlSuccesses: Int(a.engaged), controlTrials: Int(a.requests), treatmentSuccesses: Int(b.engaged),
                treatmentTrials: Int(b.requests))
            if bayes.chanceToBeatControl > 0.95 { favoured += 1 }
        }
        #expect(Double(detected) / Double(runs) >= 0.8, "detected \(detected) of \(runs)")
        #expect(abs(Double(covered) / Double(runs) - 0.95) <= 0.05, "the interval held the lift \(covered) times of \(runs)")
        #expect(Double(favoured) / Double(runs) >= 0.8, "the treatment was favoured \(favoured) times of \(runs)")
    }

    @Test func edgeCasesStayFinite() {
        let none = ProportionComparison(controlSuccesses: 0, controlTrials: 100, treatmentSuccesses: 0, treatmentTrials: 100)
        #expect(none.pValue == 1 && none.z == 0 && none.relativeLift == nil && none.relativeLower == nil)
        let oneSided = ProportionComparison(controlSuccesses: 5, controlTrials: 100, treatmentSuccesses: 0, treatmentTrials: 100)
        #expect(oneSided.relativeLift == -1 && oneSided.relativeUpper == nil)
        let flat = WelchComparison(control: [0.5, 0.5], treatment: [0.5, 0.5])
        #expect(flat.pValue == 1 && flat.difference == 0)
        let empty = SampleRatioTest(observed: [0, 0], weights: [1, 1])
        #expect(empty.pValue == 1 && !empty.mismatch)
        let certain = BayesianComparison(controlSuccesses: 0, controlTrials: 1_000, treatmentSuccesses: 1_000, treatmentTrials: 1_000)
        #expect(certain.chanceToBeatControl > 0.999_999 && certain.expectedLoss < 1e-9)
        // Units of one trial each are independent trials: the design effect is n / (n − 1),
        // the sample variance's own correction, and a design effect of 1 changes nothing.
        let single = RatioEstimate(numerators: [1, 0, 0, 1, 1, 0, 1, 0], denominators: Array(repeating: 1, count: 8))
        #expect(abs(single.designEffect(trials: 8) - 8.0 / 7) < 1e-12)
        #expect(RatioEstimate(numerators: [0, 0], denominators: [1, 2]).designEffect(trials: 3) == 1)
        let plain = BayesianComparison(controlSuccesses: 40, controlTrials: 100, treatmentSuccesses: 50, treatmentTrials: 100)
        #expect(
            plain == BayesianComparison(
                controlSuccesses: 40, controlTrials: 100, treatmentSuccesses: 50, treatmentTrials: 100, controlDesignEffect: 1,
                treatmentDesignEffect: 1))
        // Halved evidence: the same rates, less sure.
        let halved = BayesianComparison(
            controlSuccesses: 40, controlTrials: 100, treatmentSuccesses: 50, treatmentTrials: 100, controlDesignEffect: 2,
            treatmentDesignEffect: 2)
        #expect(halved == BayesianComparison(controlSuccesses: 20, controlTrials: 50, treatmentSuccesses: 25, treatmentTrials: 50))
        #expect(halved.chanceToBeatControl < plain.chanceToBeatControl && halved.chanceToBeatControl > 0.5)
    }
}
