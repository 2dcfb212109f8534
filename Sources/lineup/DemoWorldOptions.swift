import ArgumentParser
import Foundation
import LineupEngine
import LineupSimulator

/// The demo world the training commands serve: its size, its seed and where its days split
/// between training and what comes after.
struct DemoWorldOptions: ParsableArguments {
    @Option(help: "Seed of the world.")
    var seed: UInt64 = 42

    @Option(help: "Widgets in the catalog.")
    var items = 300

    @Option(help: "Users.")
    var users = 2_000

    @Option(help: "Days simulated.")
    var days = 28

    @Option(help: "Days served and trained on; the rest are held out.")
    var trainDays = 21

    func validate() throws {
        guard items > 0, users > 0, days > 1 else { throw ValidationError("--items and --users must be positive, --days above 1") }
        guard (1..<days).contains(trainDays) else { throw ValidationError("--train-days must be between 1 and \(days - 1)") }
    }

    /// The world, starting 2026-01-01 whatever today is: the same flags give the same run.
    func simulator() throws -> Simulator {
        var configuration = Simulator.Configuration()
        configuration.seed = seed
        configuration.itemCount = items
        configuration.userCount = users
        configuration.days = days
        configuration.start = Date(timeIntervalSince1970: 1_767_225_600)
        return try Simulator(configuration: configuration)
    }

    /// Imports the world's widgets and users into `engine`, leaving `clock` at the start.
    ///
    /// The live demo (`serve --demo`) imports its widgets when it starts, after the simulated
    /// history, so their age is 0 there; importing them at the window's end here gives the
    /// logged rows the same age, instead of an age that stands in for the simulated day.
    func load(_ simulator: Simulator, into engine: Engine, clock: DemoClock) async throws {
        let start = simulator.configuration.start
        clock.set(start.addingTimeInterval(Double(days) * 86_400))
        _ = try await engine.importItems(simulator.items.map(ItemDraft.init))
        clock.set(start)
        for chunk in simulator.users.chunked(by: engine.configuration.maxBatchSize) {
            _ = try await engine.importUsers(chunk.map(UserDraft.init))
        }
    }
}
