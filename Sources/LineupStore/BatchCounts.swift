/// The outcome of a batch write: how many records were written anew, and how many already
/// existed (replaced, for upserts; left untouched as duplicates, for events).
public struct BatchCounts: Sendable, Hashable {
    public var inserted: Int
    public var existing: Int

    public init(inserted: Int, existing: Int) {
        self.inserted = inserted
        self.existing = existing
    }
}
