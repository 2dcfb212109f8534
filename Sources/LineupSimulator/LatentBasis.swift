import LineupCore

/// The hidden directions the world is built from: one per domain, per widget kind and per metric.
/// Widgets and roles are both mixtures of the same directions, so tastes and topics meet in one space.
struct LatentBasis: Sendable {
    let dimension: Int
    let domains: [[Double]]
    let kinds: [[Double]]
    /// `metrics[domain][metric]`.
    let metrics: [[[Double]]]

    init(dimension: Int, using rng: inout SeededGenerator) {
        self.dimension = dimension
        domains = Domain.all.map { _ in Vector.randomUnit(dimension: dimension, using: &rng) }
        kinds = WidgetKind.all.map { _ in Vector.randomUnit(dimension: dimension, using: &rng) }
        metrics = Domain.all.map { domain in
            domain.metrics.map { _ in Vector.randomUnit(dimension: dimension, using: &rng) }
        }
    }
}
