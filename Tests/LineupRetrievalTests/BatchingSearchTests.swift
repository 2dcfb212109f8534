import LineupCore
@testable import LineupRetrieval
import Testing

@Suite struct BatchingSearchTests {
    /// Many overlapping callers with different K get exactly what a lone search gives them.
    @Test func concurrentSearchesEqualLoneSearches() async throws {
        var rng = SeededGenerator(seed: 21)
        let vectors = Reference.randomVectors(count: 5_000, dimension: 32, using: &rng)
        let index = EmbeddingIndex(dimension: 32)
        try index.update { matrix in
            for entry in vectors { try matrix.upsert(id: entry.id, vector: entry.vector) }
        }
        let search = BatchingSearch(index: index, maxBatch: 8)
        let queries = (0..<200).map { _ in (0..<32).map { _ in Float(rng.nextGaussian()) } }
        let matrix = index.snapshot
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, query) in queries.enumerated() {
                group.addTask {
                    let k = 1 + number % 25
                    let batched = try await search.nearest(to: query, k: k)
                    let alone = try matrix.nearest(to: query, k: k)
                    #expect(batched.map(\.id) == alone.map(\.id))
                    for (a, b) in zip(batched, alone) { #expect(abs(a.score - b.score) < 1e-5) }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func aBadQueryFailsAloneAndTheSearchGoesOn() async throws {
        let index = EmbeddingIndex(dimension: 2)
        try index.update { try $0.upsert(id: "a", vector: [1, 0]) }
        let search = BatchingSearch(index: index)
        await #expect(throws: RetrievalError.zeroVector) { try await search.nearest(to: [0, 0], k: 1) }
        #expect(try await search.nearest(to: [1, 1], k: 1).map(\.id) == ["a"])
    }
}
