import LineupCore

/// Everything the engine persists, as one seam.
///
/// The engine depends on these protocols only, never on a database library, so another
/// backend (PostgreSQL, say) is a sibling target that conforms to them — the way swift-log's
/// `LogHandler` lets backends live beside the API. Implementations must commit a write
/// before they return from it: the engine acknowledges to clients what the store returned.
public protocol Store: ItemStore, UserStore, EventStore, ImpressionStore, LayoutStore, ExperimentStore, Sendable {
    /// Whether the store is open and its schema is current; what `/readyz` reports.
    func readiness() async -> Readiness

    /// Row counts and bytes on disk, for `/metrics`.
    func statistics() async throws -> StoreStatistics
}
