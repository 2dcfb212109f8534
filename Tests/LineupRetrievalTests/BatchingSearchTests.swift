import LineupCore
@testable import LineupRetrieval
import Testing

@Suite struct BatchingSearchTests {
    static let configurations: [(maxBatch: Int, window: Duration)] = [
        (8, .milliseconds(1)), (64, .zero), (64, .milliseconds(5)),
    ]

    /// Many overlapping callers with different K get exactly what a lone search gives them,
    /// with batching on (small and large batches) and off.
    @Test(arguments: configurations)
    func concurrentSearchesEqualLoneSearches(_ setting: (maxBatch: Int, window: Duration)) async throws {
        var rng = SeededGenerator(seed: 21)
        let vectors = Reference.randomVectors(count: 5_000, dimension: 32, using: &rng)
        let index = EmbeddingIndex(dimension: 32)
        try index.update { matrix in
            for entry in vectors { try matrix.upsert(id: entry.id, vector: entry.vector) }
        }
        var configuration = BatchingSearch.Configuration()
        configuration.maxBatch = setting.maxBatch
        configuration.window = setting.window
        let search = BatchingSearch(index: index, configuration: configuration)
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

    /// A search that meets no other never waits for the window: with an hour-long window,
    /// one after another still finish (the time limit fails the test otherwise).
    @Test(.timeLimit(.minutes(1)))
    func aLoneSearchDoesNotWaitForTheWindow() async throws {
        let index = EmbeddingIndex(dimension: 2)
        try index.update { try $0.upsert(id: "a", vector: [1, 0]) }
        var configuration = BatchingSearch.Configuration()
        configuration.window = .seconds(3_600)
        let search = BatchingSearch(index: index, configuration: configuration)
        for _ in 0..<3 { #expect(try await search.nearest(to: [1, 1], k: 1).map(\.id) == ["a"]) }
    }

    @Test func aBadQueryFailsAloneAndTheSearchGoesOn() async throws {
        let index = EmbeddingIndex(dimension: 2)
        try index.update { try $0.upsert(id: "a", vector: [1, 0]) }
        let search = BatchingSearch(index: index)
        await #expect(throws: RetrievalError.zeroVector) { try await search.nearest(to: [0, 0], k: 1) }
        #expect(try await search.nearest(to: [1, 1], k: 1).map(\.id) == ["a"])
    }
}
