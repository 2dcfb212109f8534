import Foundation

/// The Bayesian reading of two proportions: with Beta posteriors (prior plus successes and
/// failures), the probability that the treatment's rate beats the control's, and the
/// expected loss of choosing the treatment, E[max(p_A − p_B, 0)].
///
/// Both are exact. For an integer α_B, P(p_B > p_A) = Σ_{i<α_B} B(α_A+i, β_A+β_B) /
/// ((β_B+i) B(1+i, β_B) B(α_A, β_A)) (Evan Miller's formula), summed in log space. The loss
/// is E[p_A·1{p_A>p_B}] − E[p_B·1{p_A>p_B}] = mean_A·P(p_A′ > p_B) − mean_B·P(p_A > p_B′),
/// where a prime adds one success: the same formula again. A non-integer α (a fractional
/// prior) is integrated numerically instead.
public struct BayesianComparison: Sendable, Equatable, Codable {
    public var chanceToBeatControl: Double
    public var expectedLoss: Double

    /// - Parameter controlDesignEffect, treatmentDesignEffect: how much more each arm's
    ///   rate varies than independent trials would make it (`RatioEstimate.designEffect`).
    ///   An arm's counts are divided by it, and rounded to whole counts so the exact sums
    ///   still apply: requests from returning users carry less evidence than their number.
    public init(
        controlSuccesses: Int, controlTrials: Int, treatmentSuccesses: Int, treatmentTrials: Int, priorAlpha: Double = 1,
        priorBeta: Double = 1, controlDesignEffect: Double = 1, treatmentDesignEffect: Double = 1
    ) {
        func effective(_ successes: Int, _ trials: Int, _ effect: Double) -> (successes: Double, failures: Double) {
            guard effect > 1 else { return (Double(successes), Double(trials - successes)) }
            let kept = (Double(successes) / effect).rounded()
            return (kept, max(0, (Double(trials) / effect).rounded() - kept))
        }
        let control = effective(controlSuccesses, controlTrials, controlDesignEffect)
        let treatment = effective(treatmentSuccesses, treatmentTrials, treatmentDesignEffect)
        let a = (alpha: priorAlpha + control.successes, beta: priorBeta + control.failures)
        let b = (alpha: priorAlpha + treatment.successes, beta: priorBeta + treatment.failures)
        chanceToBeatControl = Self.probabilityGreater(b, than: a)
        let meanA = a.alpha / (a.alpha + a.beta), meanB = b.alpha / (b.alpha + b.beta)
        let loss = meanA * Self.probabilityGreater((a.alpha + 1, a.beta), than: b)
            - meanB * Self.probabilityGreater(a, than: (b.alpha + 1, b.beta))
        expectedLoss = max(0, loss)
    }

    /// P(X > Y) for X ~ Beta(x), Y ~ Beta(y).
    static func probabilityGreater(_ x: (alpha: Double, beta: Double), than y: (alpha: Double, beta: Double)) -> Double {
        guard x.alpha == x.alpha.rounded(), x.alpha < 50_000_000 else { return integrated(x, than: y) }
        let constant = SpecialFunctions.logBeta(y.alpha, y.beta)
        var total = 0.0
        for i in 0..<Int(x.alpha) {
            let i = Double(i)
            total += exp(
                SpecialFunctions.logBeta(y.alpha + i, y.beta + x.beta) - log(x.beta + i)
                    - SpecialFunctions.logBeta(1 + i, x.beta) - constant)
        }
        return min(1, max(0, total))
    }

    /// ∫ pdf_X(t) · I_t(α_Y, β_Y) dt by Simpson's rule over X's mass (±12 standard deviations).
    private static func integrated(_ x: (alpha: Double, beta: Double), than y: (alpha: Double, beta: Double)) -> Double {
        let mean = x.alpha / (x.alpha + x.beta)
        let sd = (x.alpha * x.beta / ((x.alpha + x.beta) * (x.alpha + x.beta) * (x.alpha + x.beta + 1))).squareRoot()
        let low = max(0, mean - 12 * sd), high = min(1, mean + 12 * sd)
        let steps = 20_000
        let h = (high - low) / Double(steps)
        let logNorm = -SpecialFunctions.logBeta(x.alpha, x.beta)
        func f(_ t: Double) -> Double {
            guard t > 0, t < 1 else { return 0 }
            let density = exp(logNorm + (x.alpha - 1) * log(t) + (x.beta - 1) * log1p(-t))
            return density * SpecialFunctions.incompleteBeta(y.alpha, y.beta, t)
        }
        var sum = f(low) + f(high)
        for step in 1..<steps { sum += f(low + Double(step) * h) * (step % 2 == 0 ? 2 : 4) }
        return min(1, max(0, sum * h / 3))
    }
}
