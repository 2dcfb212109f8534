import Foundation
import LineupCore

/// A deterministic synthetic company whose people look at BI dashboards: a widget catalog, users
/// with hidden tastes, and a position-biased click model that reacts to whatever order it is shown.
///
/// What Lineup would see (items, users, events) is public; what it must learn (each user's
/// taste, each widget's topic and popularity) stays hidden and is only exposed as ground truth
/// for evaluation. One seed pins the whole world, so runs can be compared event by event.
///
/// ```swift
/// let simulator = try Simulator(configuration: configuration)
/// for day in simulator.days() { try store.insert(day.events) }
/// ```
public struct Simulator: Sendable {
    public let configuration: Configuration
    public let items: [Item]
    public let users: [User]
    public let dashboards: [Dashboard]
    /// The editors' order the product showed before Lineup; `days()` serves it by default.
    public let defaultDashboard: DefaultDashboard
    /// [start, start + days): every simulated event falls inside.
    public let window: DateInterval

    let dimension: Int
    let itemVectors: [Float]
    let itemPopularity: [Double]
    let itemIndex: [String: Int]
    let userVectors: [Float]
    let userIndex: [String: Int]
    let personas: [Persona]
    /// Each dashboard's widgets in layout order, built once and shared by every session on it.
    let dashboardCandidates: [[Item]]
    /// Per role, cumulative weights over `dashboards`, for sessions that explore.
    let explorationWeights: [[Double]]
    /// Whole seconds since 1970.
    let windowStart: Double

    /// The most widgets a catalog can hold: the vocabulary's distinct combinations.
    public static var catalogCapacity: Int { Catalog.capacity }

    public init(configuration: Configuration = Configuration()) throws(ValidationError) {
        try configuration.validate()
        self.configuration = configuration
        let seed = configuration.seed
        windowStart = configuration.start.timeIntervalSince1970.rounded(.up)
        window = DateInterval(
            start: Date(timeIntervalSince1970: windowStart),
            duration: Double(configuration.days) * 86_400
        )
        dimension = configuration.latentDimension

        var basisRng = SeededGenerator(seed: seed, stream: .basis)
        let basis = LatentBasis(dimension: dimension, using: &basisRng)

        var catalogRng = SeededGenerator(seed: seed, stream: .catalog)
        let catalog = Catalog(count: configuration.itemCount, windowStart: windowStart, basis: basis, using: &catalogRng)
        items = catalog.items
        itemVectors = catalog.vectors
        itemPopularity = catalog.popularity
        itemIndex = Dictionary(uniqueKeysWithValues: catalog.items.enumerated().map { ($1.id, $0) })
        var scores: [String: Double] = [:]
        for (index, item) in catalog.items.enumerated() {
            scores[item.id] = catalog.editorialScores[index]
        }
        defaultDashboard = DefaultDashboard(editorialScores: scores)

        var dashboardRng = SeededGenerator(seed: seed, stream: .dashboards)
        let layout = Self.layOutDashboards(catalog: catalog, configuration: configuration, using: &dashboardRng)
        dashboards = layout.dashboards
        dashboardCandidates = layout.items.map { $0.map { catalog.items[$0] } }

        var populationRng = SeededGenerator(seed: seed, stream: .population)
        var population = Population(configuration: configuration, windowStart: windowStart, basis: basis, using: &populationRng)
        users = population.users
        userVectors = population.vectors
        userIndex = Dictionary(uniqueKeysWithValues: population.users.enumerated().map { ($1.id, $0) })

        // Favourites come from the role's domains: a sales rep mostly opens sales dashboards.
        let dashboardDomains = layout.dashboards.map { Domain.index($0.domain) }
        let roleWeights = Role.all.map { role in
            let weights = role.domainWeights
            return dashboardDomains.map { weights[$0] }
        }
        explorationWeights = roleWeights.map { $0.cumulativeSums() }
        var favouritesRng = SeededGenerator(seed: seed, stream: .favourites)
        let shares = [0.6, 0.25, 0.15]
        for index in population.personas.indices {
            let count = 1 + favouritesRng.nextInt(below: 3)
            let favourites = favouritesRng.sampleWithoutReplacement(
                weights: roleWeights[population.personas[index].role], count: count
            )
            population.personas[index].favourites = favourites
            population.personas[index].favouriteWeights = Array(shares.prefix(favourites.count)).cumulativeSums()
        }
        personas = population.personas
    }
}
