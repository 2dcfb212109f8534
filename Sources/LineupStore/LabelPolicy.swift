import LineupCore

/// How events turn a shown widget into a label.
///
/// An event labels a widget when it carries the response's `request_id`, names that
/// widget, and happened within `window` after the response (or up to `clockSkew` before
/// it, as a client clock may run behind the server's). The label is the highest grade
/// among such events; a `hide` makes it 0 whatever else happened and marks the widget as
/// an explicit negative. Labels are computed when the log is read, so a changed policy
/// relabels the whole history.
public struct LabelPolicy: Sendable, Hashable {
    /// Grade per event type; types not listed grade 0.
    public var grades: [EventType: Int]
    /// A `dwell` grades only when its value (seconds) is at least this.
    public var minimumDwellSeconds: Double
    /// Seconds after the response during which an event still counts.
    public var window: Double
    /// Seconds before the response an event's client timestamp may lie.
    public var clockSkew: Double

    public static let defaultGrades: [EventType: Int] = [
        .open: 1, .click: 1, .drilldown: 1, .pin: 2, .export: 2, .dwell: 2,
    ]

    /// The types that make a request engaged in an experiment's analysis: every positively
    /// graded type but `dwell`, whose grade depends on its length rather than on its happening.
    public var engagementTypes: Set<EventType> {
        Set(grades.filter { $0.value > 0 && $0.key != .dwell }.keys)
    }

    public init(
        grades: [EventType: Int] = Self.defaultGrades, minimumDwellSeconds: Double = 30, window: Double = 30 * 60,
        clockSkew: Double = 300
    ) {
        self.grades = grades
        self.minimumDwellSeconds = minimumDwellSeconds
        self.window = window
        self.clockSkew = clockSkew
    }
}
