import LineupCore

/// The layouts of the demo world's dashboards, and how much each one suits a kind of user:
/// what the layout bandit has to discover.
///
/// A layout scales the chance that a widget a user looks at is engaged with. The device
/// sets the base (a 3-column grid reads well on a desktop and badly on a phone, a list the
/// other way round), and two roles shift it: analysts work best in the dense compact view,
/// executives in a 2-column grid of large tiles. Every (device, role) segment thus has one
/// best layout, not always the surface's overall best, so a bandit per segment beats one
/// for the whole surface.
public struct LayoutTaste: Sendable {
    public struct Layout: Sendable, Hashable {
        public let id: String
        public let name: String
        public let params: [String: JSONValue]
    }

    public static let layouts: [Layout] = [
        Layout(id: "grid-3", name: "Three-column grid", params: ["columns": .number(3), "density": .string("comfortable")]),
        Layout(id: "grid-2", name: "Two-column grid", params: ["columns": .number(2), "density": .string("comfortable")]),
        Layout(id: "list", name: "Single-column list", params: ["columns": .number(1), "density": .string("comfortable")]),
        Layout(id: "compact", name: "Compact grid", params: ["columns": .number(4), "density": .string("compact")]),
    ]

    private static let byDevice: [String: [String: Double]] = [
        "desktop": ["grid-3": 1.0, "grid-2": 0.8, "list": 0.6, "compact": 0.8],
        "tablet": ["grid-3": 0.75, "grid-2": 1.0, "list": 0.8, "compact": 0.6],
        "mobile": ["grid-3": 0.5, "grid-2": 0.7, "list": 1.0, "compact": 0.6],
    ]

    private static let byRole: [String: [String: Double]] = [
        "analyst": ["compact": 1.5],
        "executive": ["grid-2": 1.4],
    ]

    /// The factor on engagement of `layout` for a user of `role` on `device`; 1 for a
    /// layout or device this world does not know.
    public static func factor(layout: String, device: String, role: String?) -> Double {
        let base = byDevice[device]?[layout] ?? 1
        return base * (role.flatMap { byRole[$0]?[layout] } ?? 1)
    }

    /// The layout with the largest factor for the segment.
    public static func best(device: String, role: String?) -> String {
        layouts.map(\.id).max { factor(layout: $0, device: device, role: role) < factor(layout: $1, device: device, role: role) }!
    }
}
