/// What Lineup refuses, in terms a client can act on: the request path and the offline
/// analysis speak the same three, so the edge renders them one way (400, 404, 409).
public enum ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input breaks a rule; the error names the field.
    case invalid(ValidationError)
    /// Nothing is stored under the id.
    case notFound(kind: String, id: String)
    /// The request clashes with what exists (a retired layout id, an experiment that has
    /// started, a training job already running).
    case conflict(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let error): error.description
        case .notFound(let kind, let id): "no \(kind) with id '\(id)'"
        case .conflict(let field, let reason): "\(field): \(reason)"
        }
    }

    /// Runs validation, turning its failure into `.invalid`.
    public static func checked<T>(_ body: () throws(ValidationError) -> T) throws(ServiceError) -> T {
        do {
            return try body()
        } catch {
            throw .invalid(error)
        }
    }
}
