import Synchronization

/// Collects what a store hands to a `@Sendable` callback (scans, the settling `update`),
/// which may run on any thread, so the check can look at it once the call has returned.
final class Recorder<Value: Sendable>: Sendable {
    private let state = Mutex<[Value]>([])

    func record(_ value: Value) {
        state.withLock { $0.append(value) }
    }

    var values: [Value] { state.withLock { $0 } }
}
