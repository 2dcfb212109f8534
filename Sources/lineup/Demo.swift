import ArgumentParser
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a store with the deterministic demo world.",
        discussion: """
            A catalog of BI widgets, users with roles and hidden tastes, and weeks of their \
            sessions under a position-biased click model, ending now. The same seed gives the \
            same data; loading it twice stores nothing new (event ids are deterministic).
            """
    )

    @OptionGroup var options: SettingsOptions

    @Option(name: .long, help: "Seed of the world.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Widgets in the catalog.")
    var items = 300

    @Option(name: .long, help: "Users.")
    var users = 2_000

    @Option(name: .long, help: "Days of history.")
    var days = 28

    func validate() throws {
        guard items > 0, users > 0, days > 0 else {
            throw ValidationError("--items, --users and --days must be positive")
        }
    }

    func run() async throws {
        let settings = try options.settings()
        let logger = LogBootstrap.run(level: settings.logLevel, label: "lineup")
        let runtime = try await Runtime.open(settings: settings, logger: logger)
        Console.line("demo: filling \(settings.storeDescription)")
        do {
            try await DemoLoader(engine: runtime.engine, seed: seed, items: items, users: users, days: days).load()
        } catch let error as DemoError {
            throw ValidationError(error.description)
        }
    }
}
