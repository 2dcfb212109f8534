/// What evaluation refuses.
public enum EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Cut-offs must be 1...1000, at least one.
    case badCutoffs([Int])

    public var description: String {
        switch self {
        case .badCutoffs(let cutoffs):
            "cut-offs must be between 1 and 1000, at least one (got \(cutoffs.map(String.init).joined(separator: ",")))"
        }
    }
}
