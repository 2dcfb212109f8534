import LineupCore

/// An event with its place in the log.
public struct LoggedEvent: Sendable, Hashable {
    /// Arrival order, increasing.
    public var sequence: Int64
    public var event: Event

    public init(sequence: Int64, event: Event) {
        self.sequence = sequence
        self.event = event
    }
}
