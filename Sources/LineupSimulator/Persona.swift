/// The hidden side of a simulated user: habits and tastes Lineup never sees, only their effects.
struct Persona: Sendable {
    var role: Int
    var zone: Int
    /// The device the user habitually works on.
    var device: String
    var sessionsPerWeek: Double
    /// Dashboards the user opens most, and the cumulative weights to pick among them.
    var favourites: [Int] = []
    var favouriteWeights: [Double] = []
}
