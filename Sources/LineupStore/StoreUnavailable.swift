/// The store cannot be reached now: its database is down, restarting, or gave no connection
/// in time. Nothing of the failed call was committed, and retrying later may succeed, so
/// the server answers 503 with `Retry-After` rather than 500, and `/readyz` turns not ready.
public struct StoreUnavailable: Error, CustomStringConvertible {
    /// What failed, without credentials: safe for logs and for the client.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
