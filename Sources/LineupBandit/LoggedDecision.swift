/// One logged decision as off-policy evaluation sees it.
public struct LoggedDecision: Sendable, Equatable {
    /// The probability the logging policy had of choosing the logged arm (> 0).
    public var propensity: Double
    public var reward: Double
    /// The probability the evaluated policy gives the logged arm in the same context.
    public var target: Double

    public init(propensity: Double, reward: Double, target: Double) {
        precondition(propensity > 0, "a logged decision was possible: its propensity is positive")
        self.propensity = propensity
        self.reward = reward
        self.target = target
    }
}
