/// The Beta prior every arm starts from: `alpha` − 1 successes and `beta` − 1 failures
/// imagined before any evidence. Beta(1, 1), the default, is uniform over the reward rate.
public struct Prior: Sendable, Equatable, Codable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double = 1, beta: Double = 1) {
        self.alpha = alpha
        self.beta = beta
    }
}
