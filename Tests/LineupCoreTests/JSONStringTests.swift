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
}
