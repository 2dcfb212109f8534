import Foundation
import LineupCore

/// The users and their hidden personas and taste vectors.
struct Population: Sendable {
    var users: [User] = []
    var personas: [Persona] = []
    /// Row-major, `dimension` values per user.
    var vectors: [Float] = []

    private static let devices = ["desktop", "mobile", "tablet"]

    init(configuration: Simulator.Configuration, windowStart: Double, basis: LatentBasis, using rng: inout SeededGenerator) {
        let roles = Role.all
        let roleWeights = roles.map(\.share).cumulativeSums()
        let zoneWeights = Zone.all.map(\.share).cumulativeSums()
        // A role's centroid mixes the domains and kinds it cares about; its members scatter around it.
        let centroids = roles.map { role in
            var centroid = [Double](repeating: 0, count: basis.dimension)
            for (name, weight) in role.domains {
                Vector.add(basis.domains[Domain.index(name)], scaledBy: weight, to: &centroid)
            }
            for (name, weight) in role.kinds {
                Vector.add(basis.kinds[WidgetKind.index(name)], scaledBy: 0.5 * weight, to: &centroid)
            }
            return Vector.normalized(centroid)
        }

        let width = max(5, String(configuration.userCount).count)
        users.reserveCapacity(configuration.userCount)
        personas.reserveCapacity(configuration.userCount)
        vectors.reserveCapacity(configuration.userCount * basis.dimension)
        for number in 1...configuration.userCount {
            let r = rng.nextIndex(cumulative: roleWeights)
            let role = roles[r]
            let z = rng.nextIndex(cumulative: zoneWeights)
            let team = role.teams[rng.nextInt(below: role.teams.count)]
            let seniority = role.seniorities[rng.nextInt(below: role.seniorities.count)]
            let optedOut = rng.nextBool(probability: configuration.optOutShare)
            let device: String
            if rng.nextBool(probability: role.mobileShare) {
                device = rng.nextBool(probability: 0.65) ? "mobile" : "tablet"
            } else {
                device = "desktop"
            }
            let activity = configuration.sessionsPerWeek * exp(configuration.activitySpread * rng.nextGaussian())
            let created = (windowStart - 86_400 * (14 + 386 * rng.nextUnit())).rounded(.down)

            users.append(User(
                id: "u-" + Catalog.padded(number, width: width),
                role: role.name,
                team: team,
                timezone: Zone.all[z].identifier,
                attributes: ["seniority": .string(seniority), "region": .string(Zone.all[z].region)],
                personalization: !optedOut,
                createdAt: Date(timeIntervalSince1970: created),
                updatedAt: Date(timeIntervalSince1970: created)
            ))
            personas.append(Persona(
                role: r, zone: z, device: device,
                sessionsPerWeek: min(max(activity, configuration.sessionsPerWeek / 20), configuration.sessionsPerWeek * 20)
            ))
            var taste = centroids[r]
            Vector.add(
                Vector.noise(dimension: basis.dimension, using: &rng), scaledBy: configuration.individualTaste, to: &taste
            )
            vectors += Vector.normalized(taste).map { Float($0) }
        }
    }
}
