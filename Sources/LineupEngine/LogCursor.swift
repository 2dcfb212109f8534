import LineupStore

/// Where the in-memory state stands in the event log, and the committed batches that came
/// back before their predecessors.
///
/// Events are applied once each and in log order, so that replicas agree to the last bit.
/// Concurrent writers commit in sequence order but their answers return in any order; a
/// batch that overtakes another waits here to be applied from memory when the gap before it
/// closes, instead of being read back from the store.
struct LogCursor {
    /// The last sequence applied.
    private(set) var position: Int64 = 0
    /// Batches waiting for their predecessors, by first sequence.
    private var early: [Int64: [LoggedEvent]] = [:]

    /// The first sequence of the earliest waiting batch: a read of the gap stops before it.
    var nextEarly: Int64? { early.keys.min() }

    /// Takes one committed batch of this process's writes: applies it if it follows the
    /// last sequence applied, then whatever waiting batches that makes contiguous; else
    /// keeps it until the gap before it closes. Returns whether it is applied now.
    mutating func take(_ batch: [LoggedEvent], apply: ([LoggedEvent]) -> Void) -> Bool {
        let fresh = Array(batch.drop { $0.sequence <= position })
        guard let first = fresh.first, let last = fresh.last else { return true }
        guard first.sequence == position + 1 else {
            early[first.sequence] = fresh
            return false
        }
        apply(fresh)
        position = last.sequence
        drain(apply: apply)
        return true
    }

    /// Takes a page read from the store: pages are complete (a sequence missing from one
    /// was erased), so it is applied whole, after what was applied before. Returns how many
    /// events it applied.
    mutating func takePage(_ page: [LoggedEvent], apply: ([LoggedEvent]) -> Void) -> Int {
        let fresh = Array(page.drop { $0.sequence <= position })
        guard let last = fresh.last else { return 0 }
        apply(fresh)
        position = last.sequence
        drain(apply: apply)
        return fresh.count
    }

    /// Applies the waiting batches that now follow the position; forgets those it passed.
    private mutating func drain(apply: ([LoggedEvent]) -> Void) {
        while let first = nextEarly, let batch = early[first] {
            let fresh = batch.drop { $0.sequence <= position }
            guard let next = fresh.first, let last = fresh.last else {
                early[first] = nil
                continue
            }
            guard next.sequence == position + 1 else { return }
            early[first] = nil
            apply(Array(fresh))
            position = last.sequence
        }
    }
}
