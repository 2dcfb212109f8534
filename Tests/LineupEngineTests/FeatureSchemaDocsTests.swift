import Foundation
import LineupEngine
import Testing

/// The README's feature table is the schema's documentation: it must list every feature,
/// in order, with the definition the code carries.
@Suite struct FeatureSchemaDocsTests {
    @Test func theReadmeTableIsTheSchema() throws {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("| `") }
            .map { line in line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { $0.count == 3 && Int($0[0]) != nil }
        let schema = OnlineFeatures.schema
        #expect(rows.count == schema.count)
        for (row, feature) in zip(rows, schema.features) {
            #expect(row[1] == "`\(feature.name)`")
            #expect(row[2] == feature.definition, "definition of \(feature.name)")
        }
    }
}
