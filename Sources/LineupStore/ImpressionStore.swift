import LineupCore

/// The impression log: every rank response, as served.
///
/// Readers stream: an evaluation over millions of impressions holds one at a time, and the
/// pooled AUC reads scores already sorted by the database, so memory stays constant.
public protocol ImpressionStore: Sendable {
    /// Stores a batch of impressions in one transaction; a request id already logged is
    /// left as it was.
    func insertImpressions(_ impressions: [Impression]) async throws

    /// Calls `body` with each matching impression and its labels, oldest first.
    /// `features: false` skips reading the feature vectors (items then carry none).
    func scanImpressions(
        _ query: ImpressionQuery, labels: LabelPolicy, features: Bool,
        _ body: @escaping @Sendable (LabeledImpression) throws -> Void
    ) async throws

    /// Calls `body` with the score and label of every shown item of the matching
    /// impressions, in ascending score order (ties in no particular order). With
    /// `rescore`, the score is what it returns for the item's logged feature vector. With
    /// `rescore` or `withFeatures`, items logged without a feature vector are skipped.
    func scanScores(
        _ query: ImpressionQuery, labels: LabelPolicy, withFeatures: Bool, rescore: (@Sendable ([Float]) -> Float)?,
        _ body: @escaping @Sendable (LoggedScore) throws -> Void
    ) async throws

    /// A user's impressions, oldest first (for the export privacy law asks for).
    func impressions(userId: String) async throws -> [Impression]
}
