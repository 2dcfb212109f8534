import Foundation
import LineupCore
@testable import LineupRetrieval
import Testing

@Suite struct EmbeddingMatrixTests {
    static let shapes: [(count: Int, dimension: Int, k: Int)] = [
        (1, 3, 1), (10, 4, 3), (10, 4, 25), (500, 16, 10), (3_000, 64, 200), (20_000, 8, 50), (1_200, 128, 1_200),
    ]

    func matrix(_ vectors: [(id: String, vector: [Float])], dimension: Int) throws -> EmbeddingMatrix {
        var matrix = EmbeddingMatrix(dimension: dimension)
        for entry in vectors { try matrix.upsert(id: entry.id, vector: entry.vector) }
        return matrix
    }

    @Test(arguments: shapes)
    func singleQueriesMatchTheReference(_ shape: (count: Int, dimension: Int, k: Int)) throws {
        var rng = SeededGenerator(seed: UInt64(shape.count * 31 + shape.dimension))
        let vectors = Reference.randomVectors(count: shape.count, dimension: shape.dimension, using: &rng)
        let matrix = try matrix(vectors, dimension: shape.dimension)
        for _ in 0..<5 {
            let query = (0..<shape.dimension).map { _ in Float(rng.nextGaussian()) }
            let ours = try matrix.nearest(to: query, k: shape.k)
            let reference = Reference.nearest(query, in: vectors, k: shape.k)
            #expect(ours.count == min(shape.k, shape.count))
            #expect(agree(ours, reference))
        }
    }

    @Test(arguments: shapes)
    func batchesMatchSingleQueries(_ shape: (count: Int, dimension: Int, k: Int)) throws {
        var rng = SeededGenerator(seed: UInt64(shape.count * 17 + shape.dimension))
        let vectors = Reference.randomVectors(count: shape.count, dimension: shape.dimension, using: &rng)
        let matrix = try matrix(vectors, dimension: shape.dimension)
        let queries = (0..<7).map { _ in (0..<shape.dimension).map { _ in Float(rng.nextGaussian()) } }
        let batch = try matrix.nearest(to: queries, k: shape.k)
        for (query, result) in zip(queries, batch) {
            #expect(agree(result, Reference.nearest(query, in: vectors, k: shape.k)))
        }
    }

    @Test func tiesGoToTheSmallerIdWhateverTheRowOrder() throws {
        var matrix = EmbeddingMatrix(dimension: 2)
        for id in ["d", "b", "a", "c"] { try matrix.upsert(id: id, vector: [1, 1]) }
        try matrix.upsert(id: "z", vector: [1, 0])
        #expect(try matrix.nearest(to: [1, 1], k: 3).map(\.id) == ["a", "b", "c"])
        #expect(try matrix.nearest(to: [[1, 1]], k: 3)[0].map(\.id) == ["a", "b", "c"])
    }

    @Test func candidateSetRestrictsTheSearch() throws {
        var rng = SeededGenerator(seed: 5)
        let vectors = Reference.randomVectors(count: 300, dimension: 16, using: &rng)
        let matrix = try matrix(vectors, dimension: 16)
        let candidates = stride(from: 0, to: 300, by: 7).map { vectors[$0].id } + ["unknown", vectors[0].id]
        let query = (0..<16).map { _ in Float(rng.nextGaussian()) }
        let ours = try matrix.nearest(to: query, k: 10, among: candidates)
        let allowed = vectors.filter { candidates.contains($0.id) }
        #expect(agree(ours, Reference.nearest(query, in: allowed, k: 10)))
    }

    @Test func deletesAndReplacementsAreSeen() throws {
        var rng = SeededGenerator(seed: 9)
        var vectors = Reference.randomVectors(count: 200, dimension: 8, using: &rng)
        var matrix = try matrix(vectors, dimension: 8)
        for index in stride(from: 0, to: 200, by: 3).reversed() {
            matrix.remove(id: vectors[index].id)
            vectors.remove(at: index)
        }
        let replaced = (0..<8).map { _ in Float(rng.nextGaussian()) }
        try matrix.upsert(id: vectors[5].id, vector: replaced)
        vectors[5].vector = replaced
        #expect(matrix.count == vectors.count)
        for _ in 0..<5 {
            let query = (0..<8).map { _ in Float(rng.nextGaussian()) }
            #expect(agree(try matrix.nearest(to: query, k: 20), Reference.nearest(query, in: vectors, k: 20)))
        }
        #expect(try matrix.nearest(to: replaced, k: 1).first?.id == vectors[5].id)
    }

    @Test func unusableVectorsAreRefused() {
        var matrix = EmbeddingMatrix(dimension: 3)
        #expect(throws: RetrievalError.zeroVector) { try matrix.upsert(id: "a", vector: [0, 0, 0]) }
        #expect(throws: RetrievalError.wrongDimension(expected: 3, got: 2)) { try matrix.upsert(id: "a", vector: [1, 2]) }
        #expect(throws: RetrievalError.notFinite(index: 1)) { try matrix.upsert(id: "a", vector: [1, .nan, 0]) }
        #expect(throws: RetrievalError.zeroVector) { try matrix.nearest(to: [0, 0, 0], k: 1) }
        #expect(matrix.count == 0)
    }

    @Test func emptyCatalogAndZeroK() throws {
        let empty = EmbeddingMatrix(dimension: 2)
        #expect(try empty.nearest(to: [1, 0], k: 5).isEmpty)
        var one = EmbeddingMatrix(dimension: 2)
        try one.upsert(id: "a", vector: [3, 4])
        #expect(try one.nearest(to: [1, 0], k: 0).isEmpty)
        #expect(one.vector(of: "a").map(Array.init) == [0.6, 0.8])
    }
}
