import LineupCore
import LineupStore

/// The protocol's streaming readers, gathered into arrays: the checks read a few hundred
/// records, and comparing arrays keeps each expectation on one line.
extension Store {
    func labeledImpressions(
        _ query: ImpressionQuery = .init(), labels: LabelPolicy = .init(), features: Bool = true
    ) async throws -> [LabeledImpression] {
        let seen = Recorder<LabeledImpression>()
        try await scanImpressions(query, labels: labels, features: features) { seen.record($0) }
        return seen.values
    }

    func loggedScores(
        _ query: ImpressionQuery = .init(), labels: LabelPolicy = .init(), withFeatures: Bool = false,
        rescore: (@Sendable ([Float]) -> Float)? = nil
    ) async throws -> [LoggedScore] {
        let seen = Recorder<LoggedScore>()
        try await scanScores(query, labels: labels, withFeatures: withFeatures, rescore: rescore) { seen.record($0) }
        return seen.values
    }

    func layoutDecisions(_ query: ImpressionQuery = .init()) async throws -> [LayoutDecision] {
        let seen = Recorder<LayoutDecision>()
        try await scanLayoutDecisions(query) { seen.record($0) }
        return seen.values
    }

    /// The whole event log, in arrival order.
    func eventLog() async throws -> [LoggedEvent] {
        try await events(after: 0, limit: Int(Int32.max))
    }
}
