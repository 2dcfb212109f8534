/// A ratio metric, Σ numerator / Σ denominator over units (users), with the delta-method
/// standard error that treats the unit, not the request, as the sample: a user's requests
/// are not independent of each other, and the per-request interval would be too narrow.
///
/// Var(R) ≈ (s_n² − 2R·s_nd + R²·s_d²) / (n · μ_d²), sample (n − 1) moments.
public struct RatioEstimate: Sendable, Equatable, Codable {
    public var ratio: Double
    public var standardError: Double
    public var lower: Double
    public var upper: Double

    /// At least two units, with a positive total denominator.
    public init(numerators: [Double], denominators: [Double], confidence: Double = 0.95) {
        precondition(numerators.count == denominators.count && numerators.count >= 2, "two units or more, paired")
        let n = Double(numerators.count)
        let meanN = numerators.reduce(0, +) / n, meanD = denominators.reduce(0, +) / n
        precondition(meanD > 0, "a positive denominator")
        var varianceN = 0.0, varianceD = 0.0, covariance = 0.0
        for (x, y) in zip(numerators, denominators) {
            varianceN += (x - meanN) * (x - meanN)
            varianceD += (y - meanD) * (y - meanD)
            covariance += (x - meanN) * (y - meanD)
        }
        varianceN /= n - 1
        varianceD /= n - 1
        covariance /= n - 1
        ratio = meanN / meanD
        let variance = (varianceN - 2 * ratio * covariance + ratio * ratio * varianceD) / (n * meanD * meanD)
        standardError = max(0, variance).squareRoot()
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        lower = ratio - z * standardError
        upper = ratio + z * standardError
    }

    /// For a ratio of successes to trials (a proportion), its variance over the variance
    /// `trials` independent trials would give it, p(1 − p) / trials; at least 1. Near 1 when
    /// units' trials are alike, large when units differ and each contributes many trials.
    public func designEffect(trials: Double) -> Double {
        guard ratio > 0, ratio < 1, trials > 0 else { return 1 }
        return max(1, standardError * standardError / (ratio * (1 - ratio) / trials))
    }
}
