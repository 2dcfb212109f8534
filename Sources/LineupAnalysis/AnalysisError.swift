import LineupCore

/// What the offline analysis refuses, in terms a client can act on.
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input breaks a rule; the error names the field.
    case invalid(ValidationError)
    /// Nothing is stored under the id.
    case notFound(kind: String, id: String)
    /// The request clashes with what runs (a training job already running).
    case conflict(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let error): error.description
        case .notFound(let kind, let id): "no \(kind) with id '\(id)'"
        case .conflict(let field, let reason): "\(field): \(reason)"
        }
    }
}
