import LineupCore

/// The append-only record of interactions.
public protocol EventStore: Sendable {
    /// Stores the events whose ids are new, in one transaction, and reports which were new;
    /// the others were already known or repeated earlier in the batch.
    func insertEvents(_ events: [Event]) async throws -> EventInsertion

    /// The log in arrival order, strictly after `sequence`: how in-memory state is rebuilt.
    func events(after sequence: Int64, limit: Int) async throws -> [LoggedEvent]

    /// A user's events, oldest first.
    func events(userId: String) async throws -> [Event]
}
