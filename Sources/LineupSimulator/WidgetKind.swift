/// A widget type (`Item.type`), with what the simulated world believes about it.
struct WidgetKind: Sendable {
    let name: String
    /// How common the kind is in the catalog, relative to the number of ways it can be built.
    let weight: Double
    /// Editors put headline numbers first and notes last; the default dashboard order follows,
    /// which confounds position with kind exactly as a real product's history does.
    let editorialBoost: Double

    static let all: [WidgetKind] = [
        WidgetKind(name: "kpi", weight: 4.0, editorialBoost: 1.0),
        WidgetKind(name: "gauge", weight: 2.0, editorialBoost: 0.7),
        WidgetKind(name: "chart", weight: 1.0, editorialBoost: 0.4),
        WidgetKind(name: "funnel", weight: 2.0, editorialBoost: 0.3),
        WidgetKind(name: "table", weight: 0.7, editorialBoost: 0.0),
        WidgetKind(name: "map", weight: 0.8, editorialBoost: 0.1),
        WidgetKind(name: "heatmap", weight: 1.0, editorialBoost: 0.0),
        WidgetKind(name: "text", weight: 2.0, editorialBoost: -0.5),
    ]

    static func index(_ name: String) -> Int {
        guard let index = all.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("unknown widget kind \(name)")
        }
        return index
    }

    /// The sentence of the description that says how the widget looks.
    func sentence(noun: String?, team: String) -> String {
        switch name {
        case "kpi": return "Shown as a headline number with the change since the previous period."
        case "gauge": return "Shown as a gauge against the current target."
        case "chart":
            if let noun { return "Plotted as a stacked chart with one series per \(noun)." }
            return "Plotted as a line chart against the previous period."
        case "funnel": return "Laid out as a funnel with the conversion between each stage."
        case "table": return "Listed in a sortable table with one row per \(noun ?? "week")."
        case "map": return "Drawn on a map, shaded by \(noun ?? "region")."
        case "heatmap": return "Drawn as a heatmap with one row per \(noun ?? "week")."
        default: return "Written by hand rather than computed, and updated when there is news."
        }
    }
}
