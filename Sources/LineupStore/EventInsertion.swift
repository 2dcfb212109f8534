/// The outcome of storing a batch of events.
public struct EventInsertion: Sendable, Hashable {
    /// Positions in the batch of the events stored anew, ascending.
    public var inserted: [Int]
    /// The log sequence each of them was given, in the same order: consecutive, since a
    /// batch is one transaction and writers of the log queue on its counter.
    public var sequences: [Int64]
    /// Events of the batch that changed nothing (known id, or repeated in the batch).
    public var duplicates: Int

    public init(inserted: [Int], sequences: [Int64], duplicates: Int) {
        precondition(inserted.count == sequences.count, "one sequence per inserted event")
        self.inserted = inserted
        self.sequences = sequences
        self.duplicates = duplicates
    }

    public var counts: BatchCounts { BatchCounts(inserted: inserted.count, existing: duplicates) }
}
