/// The outcome of storing a batch of events.
public struct EventInsertion: Sendable, Hashable {
    /// Positions in the batch of the events stored anew, ascending.
    public var inserted: [Int]
    /// Events of the batch that changed nothing (known id, or repeated in the batch).
    public var duplicates: Int

    public init(inserted: [Int], duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }

    public var counts: BatchCounts { BatchCounts(inserted: inserted.count, existing: duplicates) }
}
