/// What a bearer token may do. `admin` includes everything `client` may do.
public enum Scope: String, Sendable, Codable, Comparable {
    /// Frontends: rank requests and events.
    case client
    /// Operators and offline jobs: catalog, users, models, deletion, export.
    case admin

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs == .client && rhs == .admin }

    /// The scope an API path needs; `nil` for the open operational endpoints.
    static func required(forPath path: String) -> Scope? {
        if path == "/v1/events" || path == "/v1/rank" { return .client }
        if path.hasPrefix("/v1/") || path == "/v1" { return .admin }
        return nil
    }
}
