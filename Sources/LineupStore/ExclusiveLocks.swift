/// Locks that span processes: what keeps work that must run once at a time (a training job,
/// the retraining schedule) to one replica when several share a database.
public protocol ExclusiveLocks: Sendable {
    /// Takes the lock named `name` for this process, or returns nil at once when another
    /// holds it. The lock is held until the lease is released, or until this process dies.
    func tryLock(_ name: String) async throws -> (any LockLease)?
}

/// A lock held by this process.
public protocol LockLease: Sendable {
    func release() async
}
