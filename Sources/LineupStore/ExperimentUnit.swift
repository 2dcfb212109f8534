/// One user's traffic under one variant of an experiment: the unit the per-user metrics
/// and their intervals are computed over.
public struct ExperimentUnit: Sendable, Hashable {
    public var variant: String
    public var userId: String
    public var requests: Int
    /// Requests with at least one engagement that carried their request id in the window.
    public var engagedRequests: Int
    /// Shown widgets engaged with (an engagement naming the widget and the request).
    public var engagedWidgets: Int

    public init(variant: String, userId: String, requests: Int, engagedRequests: Int, engagedWidgets: Int = 0) {
        self.variant = variant
        self.userId = userId
        self.requests = requests
        self.engagedRequests = engagedRequests
        self.engagedWidgets = engagedWidgets
    }
}
