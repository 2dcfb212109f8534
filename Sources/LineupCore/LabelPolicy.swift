import Foundation

/// How events turn a shown widget into a label: the one rule behind training labels,
/// offline metrics, experiment analyses and the demos' engagement figures.
///
/// An event labels a widget when it carries the response's `request_id`, names that
/// widget, and happened within `window` after the response (or up to `clockSkew` before
/// it, as a client clock may run behind the server's). The label is the highest grade
/// among such events; a `hide` makes it 0 whatever else happened and marks the widget as
/// an explicit negative. Labels are computed when the log is read, so a changed policy
/// relabels the whole history.
///
/// A store labels its log in its own query language for speed (SQL over millions of rows);
/// `label(of:servedAt:events:)` is the same rule in Swift, for the demos and every other
/// in-memory path, and the store conformance suite checks that the two agree on the same
/// events.
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

    /// A shown widget's label.
    public struct Label: Sendable, Hashable {
        /// 0 when nothing engaged it (or it was hidden).
        public var grade: Int
        /// The user hid it: an explicit negative, not just a widget passed over.
        public var negative: Bool

        public init(grade: Int, negative: Bool) {
            self.grade = grade
            self.negative = negative
        }
    }

    /// The types that make a request engaged in an experiment's analysis and a widget
    /// engaged in the demos' engagement rate: every positively graded type but `dwell`,
    /// whose grade depends on its length rather than on its happening.
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

    /// The grade one event earns on its own (its type's, and for a dwell only when long enough).
    public func grade(_ event: Event) -> Int {
        let grade = max(0, grades[event.type] ?? 0)
        if event.type == .dwell && (event.value ?? 0) < minimumDwellSeconds { return 0 }
        return grade
    }

    /// Whether an event at `timestamp` falls in the window of a response served at `served`.
    public func counts(_ timestamp: Date, servedAt served: Date) -> Bool {
        let offset = timestamp.timeIntervalSince(served)
        return offset >= -clockSkew && offset <= window
    }

    /// Whether `event`, one of a response's served at `served`, engages the widget it names:
    /// an engagement type, in the window. What an experiment's analysis counts.
    public func engages(_ event: Event, servedAt served: Date) -> Bool {
        engagementTypes.contains(event.type) && counts(event.timestamp, servedAt: served)
    }

    /// The label of widget `itemId` in a response served at `served`, from `events`: the
    /// events that carried the response's request id (others are the caller's to leave out).
    public func label(of itemId: String, servedAt served: Date, events: some Sequence<Event>) -> Label {
        var best = 0
        var hidden = false
        for event in events where event.itemId == itemId && counts(event.timestamp, servedAt: served) {
            if event.type == .hide { hidden = true }
            best = max(best, grade(event))
        }
        return hidden ? Label(grade: 0, negative: true) : Label(grade: best, negative: false)
    }
}
