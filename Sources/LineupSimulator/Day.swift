import Foundation
import LineupCore

/// One simulated day: a batch small enough to stream into a store.
public struct Day: Sendable {
    /// 0-based, from the start of the window.
    public let index: Int
    /// [start + index days, start + index + 1 days).
    public let interval: DateInterval
    /// In start order.
    public let sessions: [ServedSession]
    /// Sorted by timestamp (ties in the order they happened).
    public let events: [Event]
}
