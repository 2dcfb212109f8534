import Foundation

/// A store that several serving processes write at once (replicas on one database). Each
/// keeps its in-memory state current by tailing the event log (`events(after:limit:)`) and
/// the change feed below; nothing else is coordinated between them.
public protocol SharedStore: Store {
    /// The changes strictly after `sequence`, in commit order: a reader that resumes after
    /// the last sequence it saw misses none.
    func changes(after sequence: Int64, limit: Int) async throws -> [StoreChange]

    /// The newest change's sequence, 0 when none: where a process that is about to read the
    /// whole state starts following.
    func lastChange() async throws -> Int64

    /// Yields, best effort, when another process may have committed events or changes, so
    /// followers wake early; they poll as well, since a notification can be missed (a
    /// reconnect, say).
    func writeNotifications() -> AsyncStream<Void>

    /// Deletes changes older than `age` seconds: a follower that far behind reloads
    /// everything anyway (a restart), so the feed needs no longer memory.
    func trimChanges(olderThan age: TimeInterval) async throws
}
