import Foundation
import Testing
@testable import lineup

/// The README's configuration table is the list of settings: exactly the keys the service
/// reads, with their environment variables, and flags that exist.
@Suite struct ConfigurationTableTests {
    struct Row {
        var key: String
        var environment: String
        var flag: String?
    }

    /// The rows of the table under "## Configuration".
    static func rows() throws -> [Row] {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## Configuration\n").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        func code(_ cell: Substring) -> String? {
            let parts = cell.split(separator: "`")
            return parts.count >= 2 ? String(parts[1]) : nil
        }
        return section.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map { $0 }
            guard cells.count >= 3, let key = code(cells[0]), let environment = code(cells[1]) else { return nil }
            return Row(key: key, environment: environment, flag: code(cells[2]))
        }
    }

    @Test func theTableListsExactlyTheKeysTheServiceReads() throws {
        let rows = try Self.rows()
        #expect(rows.count == Set(rows.map(\.key)).count, "a key listed twice")
        let documented = Dictionary(rows.map { ($0.key, $0.environment) }, uniquingKeysWith: { first, _ in first })
        let read = Dictionary(uniqueKeysWithValues: Settings.keys.map { ($0.file, $0.environment) })
        #expect(Set(documented.keys).subtracting(read.keys).isEmpty, "in the README but not read")
        #expect(Set(read.keys).subtracting(documented.keys).isEmpty, "read but not in the README")
        for (key, variable) in read { #expect(documented[key] == variable, "\(key)'s environment variable") }
    }

    @Test func everyDocumentedFlagIsAFlagOfServe() throws {
        let flags = CommandLineTests.optionNames(inHelp: Serve.helpMessage(columns: 1_000))
        let documented = try Self.rows().compactMap(\.flag)
        #expect(!documented.isEmpty)
        for flag in documented { #expect(flags.contains(flag), "\(flag) is in the README but not a flag of lineup serve") }
    }

    @Test func everyKeyIsApplied() throws {
        // A key listed but not handled by `apply` would be refused as "not a setting".
        for (key, _) in Settings.keys {
            var settings = Settings()
            do {
                try settings.apply(key: key, value: .string("not a value"), source: "test")
            } catch let error as SettingsError {
                #expect(!error.reason.hasPrefix("is not a setting"), "\(key): \(error)")
            }
        }
    }
}
