/// The ordered features a ranking model reads, versioned: a model carries the names it was
/// trained on, and one whose names differ from the schema's is refused, since its splits
/// would read the wrong columns.
///
/// Changing a feature's meaning, order or set is a new version. The definitions are the
/// documentation (README, model cards); keep them short and exact.
public struct FeatureSchema: Sendable, Equatable {
    public struct Feature: Sendable, Equatable {
        public var name: String
        public var definition: String

        public init(_ name: String, _ definition: String) {
            self.name = name
            self.definition = definition
        }
    }

    public var version: Int
    public var features: [Feature]

    public init(version: Int, features: [Feature]) {
        self.version = version
        self.features = features
    }

    public var names: [String] { features.map(\.name) }
    public var count: Int { features.count }

    public func index(of name: String) -> Int? { features.firstIndex { $0.name == name } }

    /// Why a model trained on `modelNames` cannot run on this schema (missing, extra or
    /// reordered features), or nil when the names match exactly.
    public func mismatch(with modelNames: [String]) -> String? {
        let expected = names
        guard modelNames != expected else { return nil }
        let missing = expected.filter { !modelNames.contains($0) }
        let extra = modelNames.filter { !expected.contains($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing from the model: \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { parts.append("not in schema v\(version): \(extra.joined(separator: ", "))") }
        if parts.isEmpty {
            let first = zip(modelNames, expected).enumerated().first { $0.element.0 != $0.element.1 }
            if let first {
                parts.append(
                    "same names in another order (position \(first.offset): model has \(first.element.0), schema has \(first.element.1))")
            } else {
                parts.append("duplicate names in the model")
            }
        }
        return parts.joined(separator: "; ")
    }
}
