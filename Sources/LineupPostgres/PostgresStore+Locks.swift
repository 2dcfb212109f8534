import LineupStore
import Logging
import PostgresNIO
import Synchronization

extension PostgresStore: ExclusiveLocks {
    /// A session-level advisory lock on a pooled connection held for the life of the lease:
    /// if this process dies, its connection closes and PostgreSQL releases the lock, so a
    /// crashed replica never leaves work locked.
    public func tryLock(_ name: String) async throws -> (any LockLease)? {
        let client = client
        let logger = logger
        let key = "lineup.lock:" + name
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        return try await withCheckedThrowingContinuation { (outcome: CheckedContinuation<(any LockLease)?, any Error>) in
            Task {
                let answered = Mutex(false)
                func answer(_ result: Result<(any LockLease)?, any Error>) {
                    guard answered.withLock({ done in defer { done = true }; return !done }) else { return }
                    outcome.resume(with: result)
                }
                do {
                    try await client.withConnection { connection in
                        let taken = try await connection.query(
                            "SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))", logger: logger
                        ).collect().first?.decode(Bool.self) ?? false
                        guard taken else { return answer(.success(nil)) }
                        answer(.success(AdvisoryLease(ending: release)))
                        for await _ in released { break }
                        _ = try? await connection.query(
                            "SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                    }
                } catch {
                    answer(.failure(StoreUnavailable(reason: "cannot take lock \(name): \(Self.describe(error))")))
                }
            }
        }
    }
}

/// Ends the task that holds the lock's connection.
private struct AdvisoryLease: LockLease {
    let ending: AsyncStream<Void>.Continuation

    func release() async {
        ending.yield()
        ending.finish()
    }
}
