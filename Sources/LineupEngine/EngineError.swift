import LineupCore

/// What the engine refuses, in terms a client can act on.
public enum EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input breaks a rule; the error names the field.
    case invalid(ValidationError)
    /// Nothing is stored under the id.
    case notFound(kind: String, id: String)
    /// A model that cannot serve: says why (unreadable, unsupported, features that do
    /// not match the schema).
    case modelRejected(version: String, reason: String)
    /// The request clashes with what exists (a model version already taken, a training job
    /// already running).
    case conflict(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let error): error.description
        case .notFound(let kind, let id): "no \(kind) with id '\(id)'"
        case .modelRejected(let version, let reason): "model \(version) cannot serve: \(reason)"
        case .conflict(let field, let reason): "\(field): \(reason)"
        }
    }
}
