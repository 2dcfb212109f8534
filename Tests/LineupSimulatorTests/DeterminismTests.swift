import Foundation
import LineupCore
import LineupSimulator
import Testing

@Suite("Determinism")
struct DeterminismTests {
    static func small(seed: UInt64) throws -> Simulator {
        var configuration = Simulator.Configuration()
        configuration.seed = seed
        configuration.itemCount = 120
        configuration.userCount = 150
        configuration.days = 7
        return try Simulator(configuration: configuration)
    }

    /// Everything the world produces, as bytes, so "identical" means identical byte for byte.
    static func bytes(of simulator: Simulator) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(simulator.items)
        data += try encoder.encode(simulator.users)
        data += try encoder.encode(simulator.dashboards)
        for day in simulator.days() {
            data += try encoder.encode(day.events)
        }
        return data
    }

    @Test("the same seed gives the same items, users and events")
    func sameSeed() throws {
        let first = try Self.bytes(of: Self.small(seed: 7))
        let second = try Self.bytes(of: Self.small(seed: 7))
        #expect(first.count > 10_000)
        #expect(first == second)
    }

    @Test("a different seed gives a different world")
    func differentSeed() throws {
        let first = try Self.small(seed: 7)
        let second = try Self.small(seed: 8)
        #expect(first.items.map(\.title) != second.items.map(\.title))
        #expect(first.users.map(\.role) != second.users.map(\.role))
        let firstEvents = first.days().first(where: { _ in true })?.events ?? []
        let secondEvents = second.days().first(where: { _ in true })?.events ?? []
        #expect(firstEvents.map(\.itemId) != secondEvents.map(\.itemId))
    }

    @Test("planned sessions do not depend on the ranking policy")
    func commonRandomNumbers() throws {
        let simulator = try Self.small(seed: 3)
        var editorial = simulator.days().makeIterator()
        var random = simulator.days(policy: RandomOrder()).makeIterator()
        for _ in 0..<3 {
            let nextEditorial = editorial.next()
            let nextRandom = random.next()
            let a = try #require(nextEditorial)
            let b = try #require(nextRandom)
            #expect(a.sessions.map(\.session.id) == b.sessions.map(\.session.id))
            #expect(a.sessions.map(\.session.start) == b.sessions.map(\.session.start))
            #expect(a.sessions.map(\.session.user.id) == b.sessions.map(\.session.user.id))
        }
        #expect(simulator.sessions(onDay: 2) == simulator.sessions(onDay: 2))
    }

    @Test("replaying a session with the same order gives the same events")
    func replay() throws {
        let simulator = try Self.small(seed: 5)
        let session = try #require(simulator.sessions(onDay: 1).first)
        let shown = simulator.idealOrder(for: session.user, candidates: session.candidates)
        #expect(simulator.simulate(session, shown: shown) == simulator.simulate(session, shown: shown))
    }

    @Test("replays draw other reactions: reproducible per index, engaging the top widget at its appeal")
    func replays() throws {
        let simulator = try Self.small(seed: 5)
        let session = try #require(simulator.sessions(onDay: 1).first)
        let shown = simulator.idealOrder(for: session.user, candidates: session.candidates)
        let controls = UserControls(pinned: [shown[1].id])
        #expect(
            simulator.replay(session, shown: shown, controls: controls, replay: 3)
                == simulator.replay(session, shown: shown, controls: controls, replay: 3))
        let draws = 4_000
        let outcomes = (0..<draws).map { simulator.replay(session, shown: shown, controls: controls, replay: UInt64($0)) }
        #expect(Set(outcomes).count > draws / 10, "replays should differ")
        // The top position is always looked at (examination 1) before any clock can run out,
        // so the share of replays engaging it estimates its appeal: within 4 standard errors.
        let appeal = simulator.attractiveness(of: shown[0], for: session.user)
        let engaged = outcomes.filter { events in
            events.contains { $0.itemId == shown[0].id && ($0.type == .open || $0.type == .click) }
        }.count
        let share = Double(engaged) / Double(draws)
        #expect(abs(share - appeal) <= 4 * (appeal * (1 - appeal) / Double(draws)).squareRoot(), "share \(share), appeal \(appeal)")
    }
}
