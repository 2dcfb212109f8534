import LineupCore
@testable import LineupRetrieval
import Testing

@Suite struct EmbeddingIndexTests {
    /// Readers racing a writer only ever see whole updates: each generation writes one vector
    /// (its direction differs per generation) to every row, so a snapshot whose rows differ
    /// would have mixed two updates.
    @Test func snapshotsAreConsistentUnderConcurrentWrites() async throws {
        let dimension = 16
        let index = EmbeddingIndex(dimension: dimension)
        func vector(_ generation: Int) -> [Float] { [Float(generation + 1)] + [Float](repeating: 1, count: dimension - 1) }
        try index.update { matrix in
            for id in 0..<500 { try matrix.upsert(id: "w\(id)", vector: vector(0)) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for generation in 1...200 {
                    try index.update { matrix in
                        for id in 0..<500 { try matrix.upsert(id: "w\(id)", vector: vector(generation)) }
                        if generation % 2 == 0 { matrix.remove(id: "w0") } else { try matrix.upsert(id: "w0", vector: vector(generation)) }
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<300 {
                        let snapshot = index.snapshot
                        #expect(snapshot.count == 499 || snapshot.count == 500)
                        let first = Array(snapshot.rows.prefix(dimension))
                        let rowsMatch = stride(from: 0, to: snapshot.rows.count, by: dimension).allSatisfy {
                            Array(snapshot.rows[$0..<($0 + dimension)]) == first
                        }
                        #expect(rowsMatch, "a snapshot mixed two updates")
                        let results = try snapshot.nearest(to: vector(1), k: 10)
                        #expect(results.count == 10)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func aFailedUpdatePublishesNothing() throws {
        let index = EmbeddingIndex(dimension: 2)
        try index.update { try $0.upsert(id: "a", vector: [1, 0]) }
        #expect(throws: RetrievalError.zeroVector) {
            try index.update { matrix in
                try matrix.upsert(id: "b", vector: [0, 1])
                try matrix.upsert(id: "c", vector: [0, 0])
            }
        }
        #expect(index.snapshot.ids == ["a"])
    }
}
