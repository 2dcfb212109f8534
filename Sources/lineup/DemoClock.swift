import Foundation
import Synchronization

/// The simulated time a demo serves at: the engine reads it as its clock, and the serving
/// loop moves it to each session's start and past its users' last reaction.
final class DemoClock: Sendable {
    private let value: Mutex<Date>

    init(_ start: Date) {
        value = Mutex(start)
    }

    var now: Date { value.withLock { $0 } }

    func set(_ time: Date) {
        value.withLock { $0 = time }
    }

    /// Moves to `time` unless the clock is already later.
    func advance(to time: Date) {
        value.withLock { $0 = max($0, time) }
    }
}
