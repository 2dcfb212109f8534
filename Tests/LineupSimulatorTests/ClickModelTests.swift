import Foundation
import LineupCore
import LineupSimulator
import Testing

@Suite("Click model")
struct ClickModelTests {
    static func engagements(_ events: [Event]) -> [String] {
        events.filter { $0.type == .open || $0.type == .click }.map(\.itemId)
    }

    @Test("position bias: the same widgets are engaged far more at the top than at the bottom")
    func positionBias() throws {
        let simulator = DefaultRun.simulator
        let user = simulator.users[0]
        let dashboard = try #require(simulator.dashboards.first)
        let candidates = simulator.items.filter { dashboard.itemIds.contains($0.id) }
        let shown = Array(simulator.idealOrder(for: user, candidates: candidates).prefix(10))
        let reversed = Array(shown.reversed())
        let first = shown[0].id
        let last = shown[shown.count - 1].id
        var rng = SeededGenerator(seed: 11)
        var atTop = 0
        var atBottom = 0
        let sessions = 3_000
        for n in 0..<sessions {
            let start = simulator.window.start.addingTimeInterval(Double(n) * 60)
            let forward = Self.engagements(simulator.simulateSession(
                user: user, shown: shown, at: start, sessionId: "f-\(n)", using: &rng
            ))
            let backward = Self.engagements(simulator.simulateSession(
                user: user, shown: reversed, at: start, sessionId: "b-\(n)", using: &rng
            ))
            atTop += forward.filter { $0 == first }.count + backward.filter { $0 == last }.count
            atBottom += forward.filter { $0 == last }.count + backward.filter { $0 == first }.count
        }
        #expect(atTop > 0)
        #expect(Double(atTop) > 3 * Double(atBottom), "top \(atTop), bottom \(atBottom)")
    }

    @Test("attractiveness is a probability and the ideal order sorts by it")
    func groundTruth() {
        let simulator = DefaultRun.simulator
        let user = simulator.users[1]
        let ideal = simulator.idealOrder(for: user, candidates: simulator.items)
        let values = ideal.map { simulator.attractiveness(of: $0, for: user) }
        #expect(values.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        #expect((values.first ?? 0) > (values.last ?? 1) + 0.2)
    }

    @Test("ad-hoc sessions carry the given ids, and liked widgets are dwelt on longer")
    func sessionEvents() throws {
        let simulator = DefaultRun.simulator
        let user = simulator.users[2]
        let ranked = simulator.idealOrder(for: user, candidates: simulator.items)
        var rng = SeededGenerator(seed: 5)
        var likedDwell: [Double] = []
        var dislikedDwell: [Double] = []
        for n in 0..<2_000 {
            let start = simulator.window.start.addingTimeInterval(Double(n) * 600)
            for (shown, isLiked) in [(ranked.prefix(3), true), (ranked.suffix(3), false)] {
                let events = simulator.simulateSession(
                    user: user, shown: Array(shown), at: start, sessionId: "adhoc-\(n)-\(isLiked)",
                    requestId: "r-\(n)", using: &rng
                )
                for event in events {
                    #expect(event.requestId == "r-\(n)")
                    #expect(event.sessionId == "adhoc-\(n)-\(isLiked)")
                    #expect(event.timestamp >= start)
                    if event.type == .dwell, let value = event.value {
                        if isLiked { likedDwell.append(value) } else { dislikedDwell.append(value) }
                    }
                }
            }
        }
        let liked = likedDwell.reduce(0, +) / Double(max(likedDwell.count, 1))
        let disliked = dislikedDwell.reduce(0, +) / Double(max(dislikedDwell.count, 1))
        #expect(likedDwell.count > dislikedDwell.count)
        #expect(liked > disliked, "liked \(liked)s, disliked \(disliked)s")
    }
}
