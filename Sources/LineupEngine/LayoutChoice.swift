import LineupCore

/// The layout a rank response asks the dashboard to use, and how likely the bandit was to
/// choose it (what off-policy evaluation divides by).
public struct LayoutChoice: Sendable, Equatable {
    public var arm: String
    public var name: String
    public var params: [String: JSONValue]
    public var propensity: Double
    /// The request's segment (`device=mobile,role=analyst`), logged with the decision.
    public var segment: String
    /// The segment whose evidence chose: the request's own, or "" (the whole surface) while
    /// the segment has too little.
    public var evidenceSegment: String
}
