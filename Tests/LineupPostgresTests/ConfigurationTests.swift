import LineupPostgres
import Testing

/// `database_url` as operators write it; needs no server.
@Suite struct ConfigurationTests {
    @Test func readsEveryPartOfTheURL() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://lineup%40ops:p%2Fss@db.internal:6543/lineup_prod?sslmode=require", maximumConnections: 7)
        #expect(configuration.username == "lineup@ops")
        #expect(configuration.password == "p/ss")
        #expect(configuration.host == "db.internal" && configuration.port == 6543)
        #expect(configuration.database == "lineup_prod")
        #expect(configuration.tls == .require && configuration.maximumConnections == 7)
    }

    @Test func defaultsAreLocalhostAndTLSWhenOffered() throws {
        let configuration = try PostgresStore.Configuration(url: "postgresql://lineup@/lineup")
        #expect(configuration.host == "localhost" && configuration.port == 5432)
        #expect(configuration.password == nil && configuration.tls == .prefer)
    }

    @Test(arguments: [
        ("mysql://u@h/db", "postgres://"),
        ("postgres://h:5432/db", "names no user"),
        ("postgres://u@h:5432", "names no database"),
        ("postgres://u@h/db?sslmode=maybe", "sslmode"),
        ("postgres://u@h/db?connect_timeout=3", "unknown parameter connect_timeout"),
    ])
    func refusesWhatItCannotUse(_ url: String, _ reason: String) {
        #expect {
            _ = try PostgresStore.Configuration(url: url)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    /// What logs and error messages may show.
    @Test func theRedactedFormHasNoPassword() throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://lineup:hunter2@db:5432/lineup")
        #expect(configuration.redacted == "postgres://lineup@db:5432/lineup")
        #expect(!configuration.redacted.contains("hunter2"))
    }
}
