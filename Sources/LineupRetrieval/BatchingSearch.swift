import Synchronization

/// Exact top-K for concurrent callers, scored together when they overlap.
///
/// A search that finds nobody else searching runs at once, alone (one sgemv): a lone
/// request waits for nothing. Searches that arrive while one runs queue up; when it
/// finishes, the runner takes up to `maxBatch` of them and scores them with one sgemm,
/// which reads the matrix once for the whole group instead of once per query. Under load,
/// batches form by themselves, with no timer.
public final class BatchingSearch: Sendable {
    /// Most queries scored by one sgemm.
    public let maxBatch: Int
    private let index: EmbeddingIndex
    private let state = Mutex(State())

    private struct Pending: Sendable {
        var query: [Float]
        var k: Int
        var continuation: CheckedContinuation<[ScoredItem], any Error>
    }

    private struct State: Sendable {
        var running = false
        var queue: [Pending] = []
    }

    public init(index: EmbeddingIndex, maxBatch: Int = 64) {
        precondition(maxBatch > 0, "a batch holds at least one query")
        self.index = index
        self.maxBatch = maxBatch
    }

    /// The `k` items closest to `query`, best first, exactly as `EmbeddingMatrix.nearest`.
    public func nearest(to query: [Float], k: Int) async throws -> [ScoredItem] {
        // Refuse a bad query here, so that it cannot fail a whole batch.
        _ = try EmbeddingMatrix.normalized(query, dimension: index.dimension)
        return try await withCheckedThrowingContinuation { continuation in
            let runner = state.withLock { state -> Bool in
                state.queue.append(Pending(query: query, k: k, continuation: continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if runner { drain() }
        }
    }

    /// Runs queued searches, a batch at a time, until the queue is empty.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            run(batch)
        }
    }

    private func run(_ batch: [Pending]) {
        let matrix = index.snapshot
        do {
            if batch.count == 1 {
                let only = batch[0]
                only.continuation.resume(returning: try matrix.nearest(to: only.query, k: only.k))
                return
            }
            let k = batch.map(\.k).max() ?? 0
            let results = try matrix.nearest(to: batch.map(\.query), k: k)
            for (pending, result) in zip(batch, results) {
                pending.continuation.resume(returning: Array(result.prefix(pending.k)))
            }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }
}
