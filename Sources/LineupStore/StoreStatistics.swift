/// Sizes of a store, for monitoring.
public struct StoreStatistics: Sendable, Hashable {
    public var items: Int
    public var users: Int
    public var events: Int
    /// Bytes on disk, including the write-ahead log; 0 for an in-memory store.
    public var bytes: Int

    public init(items: Int, users: Int, events: Int, bytes: Int) {
        self.items = items
        self.users = users
        self.events = events
        self.bytes = bytes
    }
}
