import Foundation
import LineupCore
@testable import LineupRetrieval
import Testing

@Suite struct UserVectorsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func matrix() throws -> EmbeddingMatrix {
        var matrix = EmbeddingMatrix(dimension: 3)
        try matrix.upsert(id: "x", vector: [1, 0, 0])
        try matrix.upsert(id: "y", vector: [0, 1, 0])
        try matrix.upsert(id: "z", vector: [0, 0, 1])
        return matrix
    }

    func event(_ user: String, _ item: String, _ type: EventType, daysAgo: Double) -> Event {
        let time = t0.addingTimeInterval(-daysAgo * 86_400)
        return Event(eventId: UUID().uuidString, userId: user, itemId: item, type: type, timestamp: time, receivedAt: time)
    }

    @Test func recencyAndEventTypeWeightTheMean() throws {
        let vectors = UserVectors()
        // A pin (weight 3) a week ago counts 1.5; a click (weight 1) now counts 1.
        vectors.record([event("u", "x", .pin, daysAgo: 7), event("u", "y", .click, daysAgo: 0)])
        guard case .personal(let query) = vectors.query(for: "u", at: t0, in: try matrix()) else {
            Issue.record("expected a personal query")
            return
        }
        let expected: [Double] = [1.5, 1, 0]
        let norm = (query.map { Double($0) * Double($0) }.reduce(0, +)).squareRoot()
        let expectedNorm = (expected.map { $0 * $0 }.reduce(0, +)).squareRoot()
        for (a, b) in zip(query, expected) { #expect(abs(Double(a) / norm - b / expectedNorm) < 1e-6) }
    }

    @Test func onlyTheLastNEngagementsCountAndHideForgets() throws {
        var configuration = UserVectors.Configuration()
        configuration.lastN = 2
        let vectors = UserVectors(configuration: configuration)
        vectors.record([
            event("u", "x", .click, daysAgo: 3), event("u", "y", .click, daysAgo: 2), event("u", "z", .click, daysAgo: 1),
        ])
        let matrix = try matrix()
        guard case .personal(let query) = vectors.query(for: "u", at: t0, in: matrix) else {
            Issue.record("expected a personal query")
            return
        }
        #expect(query[0] == 0, "the oldest engagement fell out of the window")
        vectors.record([event("u", "y", .hide, daysAgo: 0)])
        guard case .personal(let after) = vectors.query(for: "u", at: t0, in: matrix) else {
            Issue.record("expected a personal query")
            return
        }
        #expect(after[1] == 0 && after[2] > 0)
    }

    @Test func coldUsersFallBackToTheirRoleThenPopularity() throws {
        let vectors = UserVectors()
        vectors.setRole("analyst", for: "a1")
        vectors.setRole("analyst", for: "a2")
        vectors.record([event("a1", "z", .open, daysAgo: 1), event("other", "y", .open, daysAgo: 1),
                        event("other", "y", .open, daysAgo: 1)])
        let matrix = try matrix()
        #expect(vectors.query(for: "a2", at: t0, in: matrix) == .role([0, 0, 1]))
        #expect(vectors.query(for: "nobody", at: t0, in: matrix) == .popularity)
        #expect(vectors.popular(k: 2, in: matrix).map(\.id) == ["y", "z"])
        #expect(vectors.popular(k: 5, among: ["x", "z", "gone"], in: matrix).map(\.id) == ["z", "x"])
        vectors.forget(userId: "a2")
        #expect(vectors.query(for: "a2", at: t0, in: matrix) == .popularity)
    }
}
