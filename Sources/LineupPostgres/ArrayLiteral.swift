/// PostgreSQL array literals for columns that may hold NULL, which postgres-nio's binary
/// arrays cannot carry: the batch is bound as one text parameter and cast (`$1::text[]`),
/// so a batch insert stays one statement whatever its nulls.
enum ArrayLiteral {
    /// `{"a",NULL,"b \"quoted\""}`.
    static func text(_ values: [String?]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            guard let value else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }

    /// `{1.5,NULL,-2e-05}`, each number in Swift's shortest form that reads back exactly.
    static func double(_ values: [Double?]) -> String {
        "{" + values.map { value in value.map(number) ?? "NULL" }.joined(separator: ",") + "}"
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }
}
