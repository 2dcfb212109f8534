/// What can go wrong reading a model or scoring rows with it.
public enum RankingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model file is not a model Lineup can read: says what is wrong and where.
    case malformedModel(String)
    /// A valid XGBoost model that uses something Lineup does not score (dart, multi-class,
    /// categorical splits, vector leaves, another objective): names it.
    case unsupported(String)
    /// Rows whose width is not the model's number of features.
    case wrongFeatureCount(expected: Int, got: Int)
    /// A row file Lineup cannot read: line (1-based) and reason.
    case malformedRows(line: Int, reason: String)

    public var description: String {
        switch self {
        case .malformedModel(let reason): "not a readable XGBoost JSON model: \(reason)"
        case .unsupported(let what): "unsupported model: \(what)"
        case .wrongFeatureCount(let expected, let got): "rows have \(got) features; the model has \(expected)"
        case .malformedRows(let line, let reason): "line \(line): \(reason)"
        }
    }
}
