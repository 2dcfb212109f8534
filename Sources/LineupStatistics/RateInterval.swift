/// A binomial rate with its Wilson score interval: unlike the normal interval it stays inside
/// [0, 1] and keeps its coverage for rates near 0 or 1 and for few trials.
public struct RateInterval: Sendable, Equatable, Codable {
    public var rate: Double
    public var lower: Double
    public var upper: Double

    /// `z` 1.96 gives the 95% interval. No trials: rate 0, interval [0, 1] (nothing known).
    public init(successes: Double, trials: Double, z: Double = 1.959963984540054) {
        guard trials > 0 else {
            (rate, lower, upper) = (0, 0, 1)
            return
        }
        let p = successes / trials
        let z2 = z * z
        let denominator = 1 + z2 / trials
        let centre = (p + z2 / (2 * trials)) / denominator
        let half = z / denominator * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        rate = p
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}
