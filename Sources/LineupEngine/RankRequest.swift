/// What a dashboard asks `Engine.rank` for.
public struct RankRequest: Sendable {
    public var userId: String
    /// The dashboard or page asking.
    public var surface: String
    /// The widgets this dashboard can show; nil ranks the whole catalog.
    public var candidates: [String]?
    public var k: Int
    /// Request context, e.g. `device`.
    public var context: [String: String]
    /// Whether to add feature contributions and a reason to each item.
    public var explain: Bool

    public init(
        userId: String, surface: String, candidates: [String]? = nil, k: Int = 10, context: [String: String] = [:],
        explain: Bool = false
    ) {
        self.userId = userId
        self.surface = surface
        self.candidates = candidates
        self.k = k
        self.context = context
        self.explain = explain
    }
}
