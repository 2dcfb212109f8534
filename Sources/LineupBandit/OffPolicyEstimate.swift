/// What another policy would have earned on the logged traffic, estimated from the logged
/// propensities: inverse propensity scoring (IPS) and its self-normalised form (SNIPS).
///
/// Each decision weighs w = target / propensity. IPS, mean(w · r), is unbiased but its
/// variance grows with the weights; SNIPS, Σ w·r / Σ w, trades a small bias for much less
/// variance and stays within the reward's range. Intervals are normal 95%: IPS with the
/// sample standard deviation of w·r, SNIPS by the delta method,
/// √(mean(w²(r − V)²) / mean(w)² / n).
public struct OffPolicyEstimate: Sendable, Equatable, Codable {
    public var decisions: Int
    public var ips: Double
    public var ipsLower: Double
    public var ipsUpper: Double
    public var snips: Double
    public var snipsLower: Double
    public var snipsUpper: Double
    /// (Σw)² / Σw²: how many decisions the estimate is effectively worth. Few make the
    /// intervals mean little.
    public var effectiveSampleSize: Double

    /// With no decision, or none the policy would have made (Σw = 0), the estimates are 0
    /// with the interval [0, 1]: nothing is known.
    public init(_ logged: [LoggedDecision], z: Double = 1.959963984540054) {
        decisions = logged.count
        let n = Double(logged.count)
        let weights = logged.map { $0.target / $0.propensity }
        let terms = zip(weights, logged).map { $0 * $1.reward }
        let weightSum = weights.reduce(0, +)
        let squaredWeightSum = weights.reduce(0) { $0 + $1 * $1 }
        effectiveSampleSize = squaredWeightSum > 0 ? weightSum * weightSum / squaredWeightSum : 0
        guard n > 0, weightSum > 0 else {
            (ips, ipsLower, ipsUpper, snips, snipsLower, snipsUpper) = (0, 0, 1, 0, 0, 1)
            return
        }
        let mean = terms.reduce(0, +) / n
        let spread = n > 1 ? (terms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : 0
        ips = mean
        ipsLower = mean - z * spread / n.squareRoot()
        ipsUpper = mean + z * spread / n.squareRoot()
        let value = terms.reduce(0, +) / weightSum
        let meanWeight = weightSum / n
        let residual = zip(weights, logged).reduce(0) { sum, pair in
            sum + pair.0 * pair.0 * (pair.1.reward - value) * (pair.1.reward - value)
        } / n
        let error = (residual / (meanWeight * meanWeight) / n).squareRoot()
        snips = value
        snipsLower = value - z * error
        snipsUpper = value + z * error
    }
}
