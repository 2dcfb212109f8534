import LineupCore
import LineupStore

/// An impression store that keeps nothing: `bench rank --discard-impressions`.
struct DiscardedImpressions: ImpressionStore {
    func insertImpressions(_ impressions: [Impression]) async throws {}
    func scanImpressions(
        _ query: ImpressionQuery, labels: LabelPolicy, features: Bool, _ body: @escaping @Sendable (LabeledImpression) throws -> Void
    ) async throws {}
    func scanScores(
        _ query: ImpressionQuery, labels: LabelPolicy, withFeatures: Bool, rescore: (@Sendable ([Float]) -> Float)?,
        _ body: @escaping @Sendable (LoggedScore) throws -> Void
    ) async throws {}
    func impressions(userId: String) async throws -> [Impression] { [] }
}
