/// The order served for one request.
public struct Ranking: Sendable, Equatable {
    /// Which ordering served.
    public enum Ranker: String, Sendable {
        /// Retrieval, features and the active model.
        case twoStage = "two_stage"
        /// No active model: retrieval score blended with popularity.
        case fallback
        /// The user opted out of personalisation: popularity alone.
        case popularity
    }

    /// Unique per response; events send it back to tie engagement to what was shown.
    public var requestId: String
    public var ranker: Ranker
    public var modelVersion: String?
    public var items: [RankedItem]
    /// The layout to show them in, when the surface has layouts.
    public var layout: LayoutChoice?
    /// The experiment and variant the request was served under, if any.
    public var experiment: String?
    public var variant: String?
}

/// One widget of a ranking.
public struct RankedItem: Sendable, Equatable {
    public var itemId: String
    /// 1 for the first widget shown.
    public var position: Int
    /// The model's prediction (two-stage), the blended fallback score, or popularity.
    public var score: Float
    /// The stage-1 cosine (0 when retrieval fell back to popularity).
    public var retrievalScore: Float
    /// Placed first because the user pinned it.
    public var pinned: Bool
    /// With `explain`: the features that moved the score most (TreeSHAP, in margin units).
    public var contributions: [FeatureContribution]?
    /// With `explain`: a sentence a dashboard can show.
    public var reason: String?
}

public struct FeatureContribution: Sendable, Equatable {
    public var feature: String
    public var value: Float
}
