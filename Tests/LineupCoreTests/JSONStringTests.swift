import Foundation
import LineupCore
import Testing

/// The hand-written escaper must produce what a JSON parser reads back as the same string.
@Suite struct JSONStringTests {
    @Test(arguments: ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{01}\u{1f}", "é ✓ 🚀", ""])
    func readsBackAsTheSameString(_ value: String) throws {
        let text = JSONString.quoted(value)
        let decoded = try JSONDecoder().decode(String.self, from: Data(text.utf8))
        #expect(decoded == value)
    }

    @Test func objectsHaveSortedKeys() throws {
        let object = ["b": "2", "a": "1\"", "device": "mobile"]
        let text = JSONString.object(object)
        #expect(text == #"{"a":"1\"","b":"2","device":"mobile"}"#)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == object)
    }

    /// The reader agrees with Foundation's `JSONDecoder` on what the writer writes and on
    /// equivalent text written by others.
    @Test(arguments: [
        #"{}"#, #" { } "#, #"{"a":"1"}"#, #"{"device":"mobile","locale":"fr-FR","hour":"9"}"#,
        #"{ "a" : "x" ,"b":"y" }"#, #"{"q":"say \"hi\" \\ \/ \b\f\n\r\t"}"#,
        #"{"u":"\u00e9\u2713 \ud83d\ude80 \u0000"}"#, #"{"raw":"é ✓ 🚀"}"#, #"{"a":"1","a":"2"}"#,
        #"{"":""}"#,
    ])
    func readsObjectsAsFoundationDoes(_ text: String) throws {
        let expected = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(try JSONString.object(parsing: text) == expected)
    }

    @Test(arguments: [
        [:], ["device": "mobile"], ["quote": "\"", "tab": "\t", "control": "\u{01}", "emoji": "🚀", "": "empty key"],
    ])
    func readsBackWhatItWrites(_ object: [String: String]) throws {
        #expect(try JSONString.object(parsing: JSONString.object(object)) == object)
    }

    /// Whatever Foundation refuses, the reader refuses too, with the offset where it stopped.
    @Test(arguments: [
        "", "{", "[]", #"{"a"}"#, #"{"a":1}"#, #"{"a":"1"} x"#, #"{"a":"\x"}"#,
        #"{"a":"\ud83d"}"#, #"{"a":"\udc00"}"#, #"{"a":"\u12"}"#, "{\"a\":\"\n\"}", #"{"a":"1" "b":"2"}"#,
    ])
    func refusesWhatIsNotAnObjectOfStrings(_ text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) }
        #expect(throws: JSONString.Malformed.self) { try JSONString.object(parsing: text) }
    }

    /// Foundation also reads a trailing comma; RFC 8259 does not, and neither does the reader.
    @Test func refusesATrailingComma() {
        #expect(throws: JSONString.Malformed.self) { try JSONString.object(parsing: #"{"a":"1",}"#) }
    }
}
