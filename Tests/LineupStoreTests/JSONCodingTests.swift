import Foundation
import LineupStore
import Testing

@Suite struct JSONCodingTests {
    @Test(arguments: [
        [:],
        ["device": "mobile"],
        ["b": "2", "a": "quote \" backslash \\ newline \n tab \t bell \u{7} é 😀", "z": ""],
    ])
    func contextTextIsJSONThatReadsBackTheSame(_ context: [String: String]) throws {
        let text = JSONCoding.string(context)
        let parsed = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(parsed == context)
        let keyPositions = context.keys.sorted().compactMap { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(keyPositions == keyPositions.sorted(), "keys are written in sorted order")
    }
}
