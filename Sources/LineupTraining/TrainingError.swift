/// What training refuses, naming the setting or the data at fault.
public enum TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A setting out of range, by its XGBoost name.
    case invalidParameter(name: String, reason: String)
    case invalidData(String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): "\(name) \(reason)"
        case .invalidData(let reason): "invalid training data: \(reason)"
        }
    }
}
