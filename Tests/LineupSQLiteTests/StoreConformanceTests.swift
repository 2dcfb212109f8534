import Foundation
import LineupSQLite
import LineupStoreConformance
import Testing

/// The SQLite store against the store conformance suite, in both its shapes: in memory,
/// where everything goes through one connection, and on a file, where the log's scans read
/// through a connection of their own (`SQLiteStore.scanning`); each check runs on both, so
/// both paths keep the protocol's promises.
@Suite struct StoreConformanceTests {
    /// Checks this store fails today, by name, with the reason. Each runs inside
    /// `withKnownIssue`: the failure is reported without failing the run, and once the
    /// store is fixed the check passes, the known issue goes unrecorded, and the test fails
    /// until its entry here is removed.
    static let knownIssues: [String: Comment] = [:]

    @Test(arguments: StoreConformance.checks)
    func inMemory(_ check: StoreConformance.Check) async throws {
        try await Self.run(check, on: try SQLiteStore())
    }

    @Test(arguments: StoreConformance.checks)
    func onFile(_ check: StoreConformance.Check) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-conformance-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(configuration: .init(path: directory.appendingPathComponent("lineup.sqlite").path))
        try await Self.run(check, on: store)
    }

    static func run(_ check: StoreConformance.Check, on store: SQLiteStore) async throws {
        guard let issue = knownIssues[check.name] else { return try await check.run(on: store) }
        await withKnownIssue(issue) { try await check.run(on: store) }
    }

    /// A known issue names a check that exists: a renamed check must not slip out of it.
    @Test func knownIssuesNameChecks() {
        let names = Set(StoreConformance.checks.map(\.name))
        #expect(names.count == StoreConformance.checks.count, "check names are unique")
        for name in Self.knownIssues.keys { #expect(names.contains(name), "\(name)") }
    }
}
