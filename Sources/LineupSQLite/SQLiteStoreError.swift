/// Failures of the SQLite store that are not the database library's own.
public enum SQLiteStoreError: Error, CustomStringConvertible {
    /// A stored value that Lineup cannot read back: a bug or a hand-edited file.
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let detail): "corrupt database row: \(detail)"
        }
    }
}
