import Synchronization

/// The current embedding matrix, shared by every search and changed by catalog writes.
///
/// Readers take the current snapshot, an O(1) copy of an immutable value, and search it
/// without any lock. Writers are serialised among themselves, change their own copy of the
/// matrix, and swap it in; the reader-facing lock is held only for that pointer swap, so a
/// search never waits for a write and never sees half of one.
public final class EmbeddingIndex: Sendable {
    private let current: Mutex<EmbeddingMatrix>
    private let writers = Mutex(())

    public init(dimension: Int) {
        current = Mutex(EmbeddingMatrix(dimension: dimension))
    }

    public init(_ matrix: EmbeddingMatrix) {
        current = Mutex(matrix)
    }

    public var dimension: Int { snapshot.dimension }

    /// The matrix as of now; later writes do not change it.
    public var snapshot: EmbeddingMatrix {
        current.withLock { $0 }
    }

    /// Applies `change` to a copy of the matrix and publishes it, or nothing if it throws.
    public func update<Failure: Error>(_ change: (inout EmbeddingMatrix) throws(Failure) -> Void) throws(Failure) {
        try writers.withLock { (_: inout ()) throws(Failure) in
            var next = current.withLock { $0 }
            try change(&next)
            current.withLock { $0 = next }
        }
    }
}
