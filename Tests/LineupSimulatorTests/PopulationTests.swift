import Foundation
import LineupCore
import LineupSimulator
import Testing

@Suite("Population")
struct PopulationTests {
    @Test("users have valid ids, roles, teams, time zones and attributes")
    func users() throws {
        let simulator = DefaultRun.simulator
        #expect(simulator.users.count == 2_000)
        #expect(Set(simulator.users.map(\.id)).count == simulator.users.count)
        #expect(simulator.users.first?.id == "u-00001")
        for user in simulator.users {
            try Identifier.validate(user.id, field: "id")
            #expect(user.role != nil && user.team != nil)
            #expect(TimeZone(identifier: user.timezone) != nil)
            #expect(user.attributes["seniority"] != nil)
        }
        #expect(Set(simulator.users.compactMap(\.role)).count >= 8)
        #expect(Set(simulator.users.map(\.timezone)).count >= 4)
        let optedOut = simulator.users.filter { !$0.personalization }.count
        #expect((20...100).contains(optedOut), "about 3% of 2,000 users opt out; got \(optedOut)")
    }

    @Test("users of a role share tastes: closer in latent space than users of different roles")
    func roleCentroids() throws {
        let simulator = DefaultRun.simulator
        let users = Array(simulator.users.prefix(400))
        let tastes = try users.map { try #require(simulator.taste(of: $0)) }
        var same = (sum: 0.0, count: 0)
        var different = (sum: 0.0, count: 0)
        for a in users.indices {
            for b in users.indices where b > a {
                let cosine = zip(tastes[a], tastes[b]).reduce(0.0) { $0 + Double($1.0 * $1.1) }
                if users[a].role == users[b].role {
                    same = (same.sum + cosine, same.count + 1)
                } else {
                    different = (different.sum + cosine, different.count + 1)
                }
            }
        }
        let sameMean = same.sum / Double(same.count)
        let differentMean = different.sum / Double(different.count)
        #expect(sameMean > differentMean + 0.2, "same role \(sameMean), different roles \(differentMean)")
    }
}
