import Foundation
import LineupPostgres
import Logging
import PostgresNIO

/// A database of its own for one test, on the server `LINEUP_TEST_POSTGRES_URL` names
/// (`.ci/test` starts a throwaway cluster and sets it; see `Tests/conformance/postgres.sh`).
/// Created empty, dropped after.
struct TestDatabase {
    /// The server's maintenance database, or nil when no server was started for the tests.
    static let serverURL = ProcessInfo.processInfo.environment["LINEUP_TEST_POSTGRES_URL"]

    static var available: Bool { serverURL != nil }

    let name: String
    let configuration: PostgresStore.Configuration

    /// Runs `body` with the configuration of a new empty database, dropping it afterwards.
    static func with<Result>(_ body: (PostgresStore.Configuration) async throws -> Result) async throws -> Result {
        guard let serverURL else { throw TestDatabaseError.noServer }
        let server = try PostgresStore.Configuration(url: serverURL)
        let name = "lineup_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await admin(server, "CREATE DATABASE \(name)")
        var configuration = server
        configuration.database = name
        configuration.maximumConnections = 8
        do {
            let result = try await body(configuration)
            try await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// One statement on the maintenance database, on a connection of its own.
    static func admin(_ server: PostgresStore.Configuration, _ sql: String) async throws {
        let logger = Logger(label: "lineup.tests.postgres")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

enum TestDatabaseError: Error, CustomStringConvertible {
    case noServer

    var description: String {
        "LINEUP_TEST_POSTGRES_URL is not set: run the README's test command, which starts PostgreSQL for the tests"
    }
}
