import Foundation
import LineupCore
@testable import LineupRetrieval

/// The brute-force reference: every cosine in Double, a full sort, ties to the smaller id.
enum Reference {
    static func nearest(_ query: [Float], in vectors: [(id: String, vector: [Float])], k: Int) -> [(id: String, score: Double)] {
        func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
        let q = norm(query)
        let scored = vectors.map { entry -> (id: String, score: Double) in
            var dot = 0.0
            for (a, b) in zip(query, entry.vector) { dot += Double(a) * Double(b) }
            return (entry.id, dot / (q * norm(entry.vector)))
        }
        return Array(scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(k))
    }

    static func randomVectors(count: Int, dimension: Int, using rng: inout SeededGenerator) -> [(id: String, vector: [Float])] {
        (0..<count).map { index in
            (String(format: "item-%05d", index), (0..<dimension).map { _ in Float(rng.nextGaussian()) })
        }
    }
}

/// Float32 results agree with the Double reference: scores to 1e-5, and the same ids except
/// where the reference itself cannot tell them apart (scores within 1e-5 at the cut-off).
func agree(_ ours: [ScoredItem], _ reference: [(id: String, score: Double)]) -> Bool {
    guard ours.count == reference.count else { return false }
    for (a, b) in zip(ours, reference) where abs(Double(a.score) - b.score) > 1e-5 { return false }
    guard let cutoff = reference.last?.score else { return true }
    let sure = Set(reference.filter { $0.score > cutoff + 1e-5 }.map(\.id))
    return sure.isSubset(of: Set(ours.map(\.id)))
}
