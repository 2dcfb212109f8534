import CoreMetrics
import Metrics
import Prometheus

/// The process's metrics, exposed at `/metrics` in Prometheus's text format.
///
/// swift-metrics has one backend per process, so the registry is bootstrapped once and
/// shared by every application the process builds (tests build many).
struct ServiceMetrics: Sendable {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.sanitize(name), labels.map { (Self.sanitize($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    let eventsIngested: CoreMetrics.Counter
    let eventsDuplicate: CoreMetrics.Counter
    let storeBytes: CoreMetrics.Gauge
    let itemRows: CoreMetrics.Gauge
    let userRows: CoreMetrics.Gauge
    let eventRows: CoreMetrics.Gauge

    init() {
        _ = Self.registry
        eventsIngested = CoreMetrics.Counter(label: "lineup_events_ingested_total")
        eventsDuplicate = CoreMetrics.Counter(label: "lineup_events_duplicate_total")
        storeBytes = CoreMetrics.Gauge(label: "lineup_store_bytes")
        itemRows = CoreMetrics.Gauge(label: "lineup_store_rows", dimensions: [("table", "items")])
        userRows = CoreMetrics.Gauge(label: "lineup_store_rows", dimensions: [("table", "users")])
        eventRows = CoreMetrics.Gauge(label: "lineup_store_rows", dimensions: [("table", "events")])
    }

    func exposition() -> String {
        Self.registry.emitToString()
    }

    /// Prometheus names allow `[a-zA-Z0-9_:]`; swift-metrics labels use dots.
    private static func sanitize(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
    }
}
