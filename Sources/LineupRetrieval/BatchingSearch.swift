import Synchronization

/// Exact top-K for concurrent callers, scored together when they overlap.
///
/// A search that finds nobody else searching runs at once, alone, on its caller's thread
/// (one sgemv): a lone request waits for nothing. Searches that arrive while one runs
/// queue up. When it finishes, a drain task takes over the queue and scores up to
/// `maxBatch` of them with one sgemm, which reads the matrix once for the whole group
/// instead of once per query. Before each batch it may hold back until the oldest queued
/// search has waited `window`, so that more join it; since only searches that already met
/// contention ever queue, the wait is paid under load only, and never more than `window`.
/// A `window` of zero turns batching off: every search runs alone, in parallel.
public final class BatchingSearch: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Most queries scored by one sgemm.
        public var maxBatch = 64
        /// Longest a queued search is held back for others to join its batch; zero turns
        /// batching off.
        public var window: Duration = .milliseconds(1)

        public init() {}
    }

    public let configuration: Configuration
    private let index: EmbeddingIndex
    private let state = Mutex(State())

    private struct Pending: Sendable {
        var query: [Float]
        var k: Int
        var arrival: ContinuousClock.Instant
        var continuation: CheckedContinuation<[ScoredItem], any Error>
    }

    private struct State: Sendable {
        var running = false
        var queue: [Pending] = []
    }

    public init(index: EmbeddingIndex, configuration: Configuration = .init()) {
        precondition(configuration.maxBatch > 0, "a batch holds at least one query")
        precondition(configuration.window >= .zero, "a batching window cannot be negative")
        self.index = index
        self.configuration = configuration
    }

    /// The `k` items closest to `query`, best first, exactly as `EmbeddingMatrix.nearest`.
    public func nearest(to query: [Float], k: Int) async throws -> [ScoredItem] {
        guard configuration.window > .zero else {
            return try index.snapshot.nearest(to: query, k: k)
        }
        // Refuse a bad query here, so that it cannot fail a whole batch.
        _ = try EmbeddingMatrix.normalized(query, dimension: index.dimension)
        return try await withCheckedThrowingContinuation { continuation in
            let pending = Pending(query: query, k: k, arrival: .now, continuation: continuation)
            let alone = state.withLock { state -> Bool in
                guard !state.running else {
                    state.queue.append(pending)
                    return false
                }
                state.running = true
                return true
            }
            guard alone else { return }
            run([pending])
            // Whoever queued meanwhile is served by a drain task, so this caller returns now.
            let more = state.withLock { state -> Bool in
                if state.queue.isEmpty { state.running = false }
                return !state.queue.isEmpty
            }
            if more { Task { await self.drain() } }
        }
    }

    /// Runs queued searches, a batch at a time, until the queue is empty.
    private func drain() async {
        while true {
            let (count, oldest) = state.withLock { ($0.queue.count, $0.queue.first?.arrival) }
            if let oldest, count < configuration.maxBatch {
                let deadline = oldest.advanced(by: configuration.window)
                if deadline > .now { try? await Task.sleep(until: deadline, clock: .continuous) }
            }
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(configuration.maxBatch))
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
