/// Whether a store can serve, and if not, why.
public enum Readiness: Sendable, Hashable {
    case ready
    case notReady(reason: String)
}
