import Foundation
import LineupCore

/// The log's rules as SQL, written once for every backend: which events label a shown
/// widget, and which engage a served response. Each is the same rule as its Swift form in
/// `LabelPolicy` (the store conformance suite compares the two on every backend), in the
/// SQL that SQLite and PostgreSQL both run.
///
/// The fragments read an impression as `i` (`request_id`, `ts`) and a shown widget as `ii`
/// (`item_id`), and are built from numbers and `EventType` names only, so they take no
/// arguments and nothing from a request is ever written into them.
public enum LogSQL {
    /// The label of the widget on row `ii` of impression `i`: the highest grade among the
    /// events that carry the request id and the widget within the window, or −1 when one of
    /// them is a hide (label 0, an explicit negative).
    public static func label(_ policy: LabelPolicy) -> String {
        let cases = EventType.allCases.compactMap { type -> String? in
            guard let grade = policy.grades[type], grade > 0 else { return nil }
            if type == .dwell {
                return "WHEN 'dwell' THEN CASE WHEN COALESCE(e.value, 0) >= \(policy.minimumDwellSeconds) THEN \(grade) ELSE 0 END"
            }
            return "WHEN '\(type.rawValue)' THEN \(grade)"
        }
        let grade = cases.isEmpty ? "0" : "CASE e.type \(cases.joined(separator: " ")) ELSE 0 END"
        return """
            (SELECT CASE WHEN MAX(CASE WHEN e.type = 'hide' THEN 1 ELSE 0 END) = 1 THEN -1 ELSE COALESCE(MAX(\(grade)), 0) END
             FROM events e
             WHERE e.request_id = i.request_id AND e.item_id = ii.item_id
               AND \(within(window: policy.window, clockSkew: policy.clockSkew)))
            """
    }

    /// 1 when an event of `types` carries impression `i`'s request id within `window` after
    /// it (or `clockSkew` before), and, with `item`, names the widget on row `ii`; else 0.
    /// What rewards a layout decision and what engages an experiment's request.
    public static func engaged(types: Set<EventType>, window: TimeInterval, clockSkew: TimeInterval, item: Bool = false) -> String {
        guard !types.isEmpty else { return "0" }
        let names = types.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return """
            (CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.request_id = i.request_id AND e.type IN (\(names))
                \(item ? "AND e.item_id = ii.item_id" : "") AND \(within(window: window, clockSkew: clockSkew)))
             THEN 1 ELSE 0 END)
            """
    }

    /// Event `e` lies in impression `i`'s window.
    private static func within(window: TimeInterval, clockSkew: TimeInterval) -> String {
        "e.ts >= i.ts - \(number(clockSkew)) AND e.ts <= i.ts + \(number(window))"
    }

    /// A number as SQL reads it back exactly (Swift's shortest round-trip form).
    private static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "0"
    }
}
