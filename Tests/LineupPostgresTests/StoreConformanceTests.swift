import LineupPostgres
import LineupStoreConformance
import Testing

/// The PostgreSQL store against the store conformance suite, unchanged: each check on a new
/// empty database of the server the test command started.
@Suite(.enabled(if: TestDatabase.available, "needs LINEUP_TEST_POSTGRES_URL (the README's test command sets it)"))
struct StoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(_ check: StoreConformance.Check) async throws {
        try await TestDatabase.with { configuration in
            let store = try await PostgresStore(configuration: configuration)
            defer { store.close() }
            try await check.run(on: store)
        }
    }
}
