import Foundation
import LineupCore

/// How layouts are chosen and rewarded: the rules that the serving bandit, the reward
/// settler and the off-policy reports must share, so that a report reads the evidence as the
/// policy that served made it.
public struct LayoutPolicy: Sendable, Equatable {
    /// Request context keys (and `role`, from the user profile when the context lacks it)
    /// whose values make a request's segment.
    public var segmentKeys = ["device", "role"]
    public var prior = Prior()
    /// Evidence halves every this many seconds, for drifting preferences; nil keeps it all.
    public var halfLife: TimeInterval?
    /// A segment whose settled decisions (over all arms) are fewer than this borrows the
    /// whole surface's evidence.
    public var minimumSegmentEvidence = 200.0
    /// Events that reward the layout of the response whose `request_id` they carry.
    public var rewardTypes: Set<EventType> = [.open, .click, .drilldown, .export, .pin]
    /// Seconds after a response during which an event still rewards it.
    public var window: TimeInterval = 30 * 60
    /// Joint posterior draws per bank: propensities within ±0.01.
    public var draws = 10_000
    /// Seeds the decisions' randomness (tests, simulations); nil draws from the system.
    public var seed: UInt64?

    public init() {}

    /// The segment of a request: `key=value` for each configured key, comma-separated.
    /// Values longer than 64 characters are `other`, so a client cannot mint segments.
    public func segment(context: [String: String], role: String?) -> String {
        segmentKeys.map { key in
            var value = context[key] ?? (key == "role" ? role : nil) ?? ""
            if value.count > 64 { value = "other" }
            return "\(key)=\(value)"
        }.joined(separator: ",")
    }

    /// The posterior of an arm's evidence as of `time`.
    public func posterior(of evidence: Evidence, at time: Date) -> BetaPosterior {
        evidence.decayed(to: time, halfLife: halfLife).posterior(prior: prior)
    }
}
