import LineupCore

/// The append-only record of interactions.
public protocol EventStore: Sendable {
    /// Stores the events whose ids are new, in one transaction, and reports how many were
    /// new and how many were already known (or repeated within the batch).
    func insertEvents(_ events: [Event]) async throws -> BatchCounts

    /// A user's events, oldest first.
    func events(userId: String) async throws -> [Event]
}
