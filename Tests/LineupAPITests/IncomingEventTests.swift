import Foundation
import LineupAPI
import Testing

/// `IncomingEvent` is decoded by hand for speed; these tests keep it true to openapi.yaml.
@Suite struct IncomingEventTests {
    /// The property names of the `Event` schema, read from the spec itself.
    static func specEventProperties() throws -> Set<String> {
        let spec = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
        let lines = try String(contentsOf: spec, encoding: .utf8).components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "    Event:") else { return [] }
        var names = Set<String>()
        var inProperties = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("    ") && !line.hasPrefix("     ") { break }  // next schema
            if line == "      properties:" { inProperties = true; continue }
            if inProperties && line.hasPrefix("      ") && !line.hasPrefix("       ") { break }
            if inProperties && line.hasPrefix("        ") && !line.hasPrefix("         ") && line.hasSuffix(":") {
                names.insert(line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: ""))
            }
        }
        return names
    }

    @Test func fieldsAreExactlyTheSpecs() throws {
        let spec = try Self.specEventProperties()
        #expect(!spec.isEmpty)
        #expect(Set(IncomingEvent.CodingKeys.allCases.map(\.rawValue)) == spec)
    }

    @Test func roundTripsThroughJSON() throws {
        let json = #"{"event_id": "e1", "user_id": "u1", "session_id": "s1", "item_id": "w1", "type": "dwell", "value": 12.5, "timestamp": "2026-11-22T09:30:00.250Z", "request_id": "r1", "context": {"device": "mobile", "page": "home"}}"#
        let event = try JSONDecoder().decode(IncomingEvent.self, from: Data(json.utf8))
        #expect(event.type == .dwell)
        #expect(event.context == ["device": "mobile", "page": "home"])
        let again = try JSONDecoder().decode(IncomingEvent.self, from: JSONEncoder().encode(event))
        #expect(again == event)
    }

    @Test func unknownAndMissingFieldsAreNamed() {
        let unknown = #"{"event_id": "e1", "user_id": "u1", "item_id": "w1", "type": "view", "timestamp": "2026-11-22T09:30:00Z", "colour": "red"}"#
        #expect {
            try JSONDecoder().decode(IncomingEvent.self, from: Data(unknown.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.codingPath.last?.stringValue == "colour"
        }
        let missing = #"{"event_id": "e1", "user_id": "u1", "type": "view", "timestamp": "2026-11-22T09:30:00Z"}"#
        #expect {
            try JSONDecoder().decode(IncomingEvent.self, from: Data(missing.utf8))
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "item_id"
        }
    }
}
