import Foundation
import Testing
@testable import lineup

/// `database_url`: where it may come from, what it may carry, and what is shown of it.
@Suite struct DatabaseSettingsTests {
    @Test func theSQLiteFileIsTheDefault() throws {
        let settings = try Settings.load(file: nil, environment: [:])
        #expect(try settings.postgres() == nil)
        #expect(settings.storeDescription == "data/lineup.sqlite")
    }

    @Test func theEnvironmentSelectsPostgreSQLWithItsPassword() throws {
        let settings = try Settings.load(
            file: nil,
            environment: ["LINEUP_DATABASE_URL": "postgres://lineup:s3cret@db:5433/lineup", "LINEUP_DATABASE_CONNECTIONS": "8"])
        let configuration = try #require(try settings.postgres())
        #expect(configuration.password == "s3cret" && configuration.port == 5433 && configuration.maximumConnections == 8)
        #expect(settings.storeDescription == "postgres://lineup@db:5433/lineup", "shown without the password")
        #expect(throws: (any Error).self) { try Settings.load(file: nil, environment: ["LINEUP_DATABASE_CONNECTIONS": "0"]) }
    }

    /// A password on the command line shows in `ps` to every user of the machine.
    @Test func aPasswordIsRefusedOnTheCommandLine() throws {
        var settings = Settings()
        #expect {
            try settings.apply(key: "database_url", value: .string("postgres://lineup:s3cret@db/lineup"), source: "command line")
        } throws: { error in
            "\(error)".contains("must not carry a password on the command line")
        }
        try settings.apply(key: "database_url", value: .string("postgres://lineup@db/lineup"), source: "command line")
        let configuration = try #require(try settings.postgres(environment: ["PGPASSWORD": "from-env"]))
        #expect(configuration.password == "from-env", "PGPASSWORD completes a URL without one, as libpq does")
    }

    @Test func aURLThatIsNotPostgreSQLIsRefusedByName() throws {
        #expect {
            try Settings.load(file: nil, environment: ["LINEUP_DATABASE_URL": "mysql://u@h/db"])
        } throws: { error in
            "\(error)".contains("database_url") && "\(error)".contains("postgres://")
        }
    }
}
