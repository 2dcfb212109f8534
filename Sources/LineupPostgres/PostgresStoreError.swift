/// Failures of the PostgreSQL store that are not the driver's own.
public enum PostgresStoreError: Error, CustomStringConvertible {
    /// `database_url` is not a PostgreSQL URL Lineup can use.
    case invalidURL(String)
    /// The schema could not be brought up to date (the user may not create tables, say).
    case migrationFailed(String)
    /// A stored value that Lineup cannot read back: a bug or a hand-edited row.
    case corrupt(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "database_url \(reason)"
        case .migrationFailed(let reason): "migrating the database failed: \(reason)"
        case .corrupt(let detail): "corrupt database row: \(detail)"
        }
    }
}
