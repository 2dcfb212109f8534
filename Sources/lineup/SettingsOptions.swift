import ArgumentParser
import Foundation
import LineupCore

/// The flags every command that opens the store shares. Flags override the environment,
/// which overrides the config file.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "A JSON config file (default: $LINEUP_CONFIG when set).")
    var config: String?

    @Option(name: .long, help: "The SQLite database file (default: data/lineup.sqlite).")
    var database: String?

    @Option(
        name: .long,
        help: "Serve from PostgreSQL: postgres://user@host:port/database (no password here; use PGPASSWORD or LINEUP_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .long, help: "Dimension of item embeddings (default: 64).")
    var embeddingDimension: Int?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default: info).")
    var logLevel: String?

    func settings(extra: [(key: String, value: String?)] = []) throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        do {
            var settings = try Settings.load(file: config ?? environment["LINEUP_CONFIG"], environment: environment)
            let flags: [(key: String, value: String?)] = [
                ("database", database), ("database_url", databaseURL),
                ("embedding_dimension", embeddingDimension.map(String.init)),
                ("log_level", logLevel),
            ] + extra
            for (key, value) in flags {
                if let value { try settings.apply(key: key, value: .string(value), source: "command line") }
            }
            return settings
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }
}
