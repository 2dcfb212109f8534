import Foundation

/// One rank response as it was served: what offline evaluation, replay and A/B analysis
/// read back. Written by the engine's impression log, off the request path.
public struct Impression: Sendable, Hashable {
    /// The response's id; events send it back to label what they engaged with.
    public var requestId: String
    public var time: Date
    public var userId: String
    public var surface: String
    public var context: [String: String]
    public var experiment: String?
    public var variant: String?
    /// `two_stage`, `fallback` or `popularity`.
    public var ranker: String
    public var modelVersion: String?
    public var layoutArm: String?
    /// Probability the layout policy had of choosing `layoutArm`.
    public var layoutPropensity: Double?
    /// The bandit segment the request fell in.
    public var layoutSegment: String?
    /// The feature schema the items' vectors follow.
    public var schemaVersion: Int
    public var items: [ImpressionItem]

    public init(
        requestId: String, time: Date, userId: String, surface: String, context: [String: String] = [:],
        experiment: String? = nil, variant: String? = nil, ranker: String, modelVersion: String? = nil,
        layoutArm: String? = nil, layoutPropensity: Double? = nil, layoutSegment: String? = nil, schemaVersion: Int,
        items: [ImpressionItem]
    ) {
        self.requestId = requestId
        self.time = time
        self.userId = userId
        self.surface = surface
        self.context = context
        self.experiment = experiment
        self.variant = variant
        self.ranker = ranker
        self.modelVersion = modelVersion
        self.layoutArm = layoutArm
        self.layoutPropensity = layoutPropensity
        self.layoutSegment = layoutSegment
        self.schemaVersion = schemaVersion
        self.items = items
    }
}
