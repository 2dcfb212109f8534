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
    /// Serve with this ranker instead of the best one available: `popularity`, `fallback`
    /// (retrieval blended with popularity, even with a model active) or `twoStage` (the
    /// fallback when no model is active). For experiments and the demo loop; a user who
    /// opted out of personalisation gets popularity whatever this says.
    public var ranker: Ranking.Ranker?

    public init(
        userId: String, surface: String, candidates: [String]? = nil, k: Int = 10, context: [String: String] = [:],
        explain: Bool = false, ranker: Ranking.Ranker? = nil
    ) {
        self.userId = userId
        self.surface = surface
        self.candidates = candidates
        self.k = k
        self.context = context
        self.explain = explain
        self.ranker = ranker
    }
}
