/// A business number a widget can show. Widgets about the same metric share part of their topic
/// vector, so a user who likes "Weekly revenue by region" leans towards "Weekly revenue trend".
struct Metric: Sendable {
    let name: String
    /// Completes "… each week, split by region." in the widget description.
    let summary: String
    let tags: [String]
    /// Metrics with a target can be shown as a gauge.
    let hasTarget: Bool
    /// Funnel metrics are only ever shown as funnels.
    let isFunnel: Bool

    init(_ name: String, _ summary: String, _ tags: [String], target: Bool = false, funnel: Bool = false) {
        self.name = name
        self.summary = summary
        self.tags = tags
        self.hasTarget = target
        self.isFunnel = funnel
    }
}
