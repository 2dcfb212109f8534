import Foundation

/// Which impressions to read: a time window and optional filters (all must match).
public struct ImpressionQuery: Sendable, Hashable {
    /// Inclusive; nil: from the first.
    public var from: Date?
    /// Exclusive; nil: to the last.
    public var to: Date?
    public var surface: String?
    public var experiment: String?
    public var variant: String?
    public var ranker: String?
    public var modelVersion: String?

    public init(
        from: Date? = nil, to: Date? = nil, surface: String? = nil, experiment: String? = nil, variant: String? = nil,
        ranker: String? = nil, modelVersion: String? = nil
    ) {
        self.from = from
        self.to = to
        self.surface = surface
        self.experiment = experiment
        self.variant = variant
        self.ranker = ranker
        self.modelVersion = modelVersion
    }
}
