import Foundation
import LineupStore
import Logging
import Synchronization

/// Writes every served response to the store in batches, off the request path.
///
/// A rank request only appends to a buffer in memory. `flush()` writes the buffer in one
/// transaction; writes run one after another, each taking what has accumulated by the time
/// the previous one finished, so a slow disk makes batches larger rather than requests
/// slower. The server's flusher service calls it every `flushInterval` and once more at a
/// graceful shutdown, after the last request, so only a crash can lose impressions, and at
/// most one interval of them. A failed write keeps its batch for the next one, up to
/// `maxPending` impressions.
public final class ImpressionLog: Sendable {
    public struct Configuration: Sendable {
        /// How often the flusher writes buffered impressions; what a crash can lose at most.
        public var flushInterval: Duration
        /// Most impressions kept while the store refuses writes; the oldest go first.
        public var maxPending: Int

        public init(flushInterval: Duration = .seconds(1), maxPending: Int = 100_000) {
            self.flushInterval = flushInterval
            self.maxPending = maxPending
        }
    }

    private let store: any ImpressionStore
    public let configuration: Configuration
    private let logger: Logger
    private let pending = Mutex<[Impression]>([])
    /// The last write queued; each write waits for the one before.
    private let lastWrite = Mutex<Task<Void, Never>?>(nil)

    public init(store: any ImpressionStore, configuration: Configuration = .init(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Buffers one response; never waits for the database.
    public func append(_ impression: Impression) {
        pending.withLock { $0.append(impression) }
    }

    /// Writes everything appended so far; returns once it is stored (or, if the store
    /// failed, kept for the next write).
    public func flush() async {
        let write = lastWrite.withLock { last -> Task<Void, Never> in
            let previous = last
            let next = Task { [self] in
                await previous?.value
                await self.write()
            }
            last = next
            return next
        }
        await write.value
    }

    /// Impressions waiting to be written.
    public var pendingCount: Int { pending.withLock { $0.count } }

    private func write() async {
        let batch = pending.withLock { pending -> [Impression] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.insertImpressions(batch)
        } catch {
            let dropped = pending.withLock { pending -> Int in
                pending.insert(contentsOf: batch, at: 0)
                let excess = max(0, pending.count - configuration.maxPending)
                pending.removeFirst(excess)
                return excess
            }
            logger.error(
                "impression log: write failed; will retry",
                metadata: ["error": "\(error)", "impressions": "\(batch.count)", "dropped": "\(dropped)"])
        }
    }
}
