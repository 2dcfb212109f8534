import LineupCore
import LineupSimulator

/// One full default run (2,000 users, 28 days), generated once and shared by the tests that
/// check properties of the whole history.
enum DefaultRun {
    static let simulator: Simulator = {
        do {
            return try Simulator()
        } catch {
            fatalError("the default configuration must be valid: \(error)")
        }
    }()

    static let days: [Day] = Array(simulator.days())

    static var events: [Event] { days.flatMap(\.events) }
}
