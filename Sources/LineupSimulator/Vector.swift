import Foundation
import LineupCore

/// Small dense-vector arithmetic for building the latent space; at a few hundred widgets and a
/// dozen dimensions, plain loops are all the speed needed.
enum Vector {
    static func gaussian(dimension: Int, using rng: inout SeededGenerator) -> [Double] {
        (0..<dimension).map { _ in rng.nextGaussian() }
    }

    /// A random direction: centroids are unit vectors so no domain or kind is louder than another.
    static func randomUnit(dimension: Int, using rng: inout SeededGenerator) -> [Double] {
        normalized(gaussian(dimension: dimension, using: &rng))
    }

    static func normalized(_ vector: [Double]) -> [Double] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }

    /// `vector += scale * other`.
    static func add(_ other: [Double], scaledBy scale: Double, to vector: inout [Double]) {
        for index in vector.indices {
            vector[index] += scale * other[index]
        }
    }

    /// A standard-normal vector of length ≈ 1, for noise whose size does not grow with the dimension.
    static func noise(dimension: Int, using rng: inout SeededGenerator) -> [Double] {
        let scale = 1 / Double(dimension).squareRoot()
        return (0..<dimension).map { _ in rng.nextGaussian() * scale }
    }
}
