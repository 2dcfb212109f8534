/// What a user did with a widget.
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    case view
    case open
    case click
    case drilldown
    case filterChange = "filter_change"
    case export
    /// `value` carries the seconds spent.
    case dwell
    case pin
    case unpin
    case hide
    case unhide
}
