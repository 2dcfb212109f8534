import LineupStore
import PostgresNIO

/// An `ImpressionQuery` as the WHERE clause of a query over `impressions i`, with its values
/// bound as parameters.
struct Filter {
    let clause: String
    let binds: PostgresBindings

    /// `also`: conditions of the caller's own, written as SQL with no parameters.
    init(_ query: ImpressionQuery, also: [String] = []) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind(_ condition: (String) -> String, _ value: some PostgresDynamicTypeEncodable) {
            binds.append(value)
            conditions.append(condition("$\(binds.count)"))
        }
        if let from = query.from { bind({ "i.ts >= \($0)" }, from.timeIntervalSince1970) }
        if let to = query.to { bind({ "i.ts < \($0)" }, to.timeIntervalSince1970) }
        for (column, value) in [
            ("surface", query.surface), ("experiment", query.experiment), ("variant", query.variant),
            ("ranker", query.ranker), ("model_version", query.modelVersion),
        ] {
            guard let value else { continue }
            bind({ "i.\(column) = \($0)" }, value)
        }
        conditions += also
        self.binds = binds
        clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
