import Foundation

/// Student's t distribution, for Welch's test.
public enum StudentT {
    public static func cdf(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let tail = 0.5 * SpecialFunctions.incompleteBeta(df / 2, 0.5, df / (df + t * t))
        return t > 0 ? 1 - tail : tail
    }

    /// P(T > |t|) · 2: the two-sided p-value, without the cancellation of 1 − cdf.
    public static func twoSidedP(_ t: Double, degreesOfFreedom df: Double) -> Double {
        SpecialFunctions.incompleteBeta(df / 2, 0.5, df / (df + t * t))
    }

    /// The t with cdf(t) = p, by bisection on the cdf (to 1e-13 of the bracket).
    public static func quantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile of (0, 1)")
        var low = -1.0, high = 1.0
        while cdf(low, degreesOfFreedom: df) > p { low *= 2 }
        while cdf(high, degreesOfFreedom: df) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle, degreesOfFreedom: df) < p { low = middle } else { high = middle }
            if high - low < 1e-13 * max(1, abs(middle)) { break }
        }
        return (low + high) / 2
    }
}
