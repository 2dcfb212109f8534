import Foundation
import LineupCore

/// JSON for the columns that hold structured values (tags, attributes, context), the same in
/// every backend. Keys are sorted so that equal values are stored as equal text.
public enum JSONCoding {
    public static func string<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A string-to-string object, written by hand: every stored event has one, and a
    /// `JSONEncoder` per event costs more than the insert itself.
    public static func string(_ object: [String: String]) -> String {
        JSONString.object(object)
    }

    /// A string-to-string object (a context), read by hand for the same reason.
    public static func object(from text: String) throws -> [String: String] {
        try JSONString.object(parsing: text)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
