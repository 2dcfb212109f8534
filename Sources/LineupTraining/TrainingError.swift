/// What training refuses, naming the setting or the data at fault.
public enum TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidParameter(String)
    case invalidData(String)

    public var description: String {
        switch self {
        case .invalidParameter(let reason): "invalid parameter: \(reason)"
        case .invalidData(let reason): "invalid training data: \(reason)"
        }
    }
}
