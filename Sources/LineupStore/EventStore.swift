import LineupCore

/// The append-only record of interactions.
public protocol EventStore: Sendable {
    /// Stores the events whose ids are new, in one transaction, and reports which were new;
    /// the others were already known or repeated earlier in the batch.
    func insertEvents(_ events: [Event]) async throws -> EventInsertion

    /// The log in arrival order, strictly after `sequence`: how in-memory state is rebuilt.
    /// Sequences only grow: one given to an event is never given again, even once the
    /// event is erased, so a reader resuming after the last sequence it saw misses nothing.
    func events(after sequence: Int64, limit: Int) async throws -> [LoggedEvent]

    /// A user's events, oldest first.
    func events(userId: String) async throws -> [Event]
}
