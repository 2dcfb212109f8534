/// What the model registry refuses, in terms a client can act on.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No model file of that version in the directory.
    case notFound(version: String)
    /// A model that cannot serve: unreadable, unsupported, or features that do not match
    /// the schema.
    case rejected(version: String, reason: String)
    /// A model of that version exists already: a trained model never overwrites another.
    case versionTaken(version: String)
    /// No models directory is configured, so nothing can be written.
    case noDirectory

    public var description: String {
        switch self {
        case .notFound(let version): "no model with id '\(version)'"
        case .rejected(let version, let reason): "model \(version) cannot serve: \(reason)"
        case .versionTaken(let version): "model \(version) exists already; name the new one differently"
        case .noDirectory: "is not set; trained models go there"
        }
    }
}
