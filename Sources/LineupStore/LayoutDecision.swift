import Foundation

/// One logged layout decision and, once settled, its reward: what off-policy evaluation reads.
public struct LayoutDecision: Sendable, Hashable {
    public var requestId: String
    public var time: Date
    public var surface: String
    /// The segment key the request fell in ("" when it had no segment keys).
    public var segment: String
    public var arm: String
    /// Probability the policy had of choosing `arm`.
    public var propensity: Double
    /// 1 or 0 once settled; nil while its window is open.
    public var reward: Int?

    public init(
        requestId: String, time: Date, surface: String, segment: String, arm: String, propensity: Double, reward: Int?
    ) {
        self.requestId = requestId
        self.time = time
        self.surface = surface
        self.segment = segment
        self.arm = arm
        self.propensity = propensity
        self.reward = reward
    }
}
