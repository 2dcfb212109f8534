/// One user's traffic under one variant of an experiment: the unit the per-user metrics
/// and their intervals are computed over.
public struct ExperimentUnit: Sendable, Hashable {
    public var variant: String
    public var userId: String
    public var requests: Int
    /// Requests with at least one engagement that carried their request id in the window.
    public var engagedRequests: Int

    public init(variant: String, userId: String, requests: Int, engagedRequests: Int) {
        self.variant = variant
        self.userId = userId
        self.requests = requests
        self.engagedRequests = engagedRequests
    }
}
