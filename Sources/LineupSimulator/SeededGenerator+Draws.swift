import Foundation
import LineupCore

/// The draws the simulator needs, written out here rather than taken from the standard library
/// (`Int.random(in:using:)`, `shuffle(using:)`), whose algorithms may change between toolchains:
/// a seed must give the same world on every machine and every Swift version.
extension SeededGenerator {
    /// Independent streams keep the parts of the world apart: growing the user base must not
    /// reshuffle the catalog, and two ranking policies must meet the same sessions.
    init(seed: UInt64, stream: Stream, index: UInt64 = 0) {
        self.init(seed: Self.mix(seed, stream.rawValue, index))
    }

    /// Which part of the world a generator feeds.
    enum Stream: UInt64 {
        case basis = 1, catalog, dashboards, population, favourites, schedule, policy, outcome, replay
    }

    /// SplitMix64 finalisers chained, so nearby inputs (day 3, day 4) give unrelated seeds.
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        func scramble(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return scramble(scramble(scramble(a) ^ b) ^ c)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-high; the bias is below 2⁻⁵⁰ for our bounds).
    mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    mutating func nextBool(probability: Double) -> Bool {
        nextUnit() < probability
    }

    /// Knuth's product method: exact, and fast for the small means of sessions per day.
    /// Larger means (never reached with sane settings) fall back to a rounded normal.
    mutating func nextPoisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            return max(0, Int((mean + mean.squareRoot() * nextGaussian()).rounded()))
        }
        let limit = exp(-mean)
        var product = nextUnit()
        var count = 0
        while product > limit {
            product *= nextUnit()
            count += 1
        }
        return count
    }

    /// An index drawn in proportion to `cumulative` weights (ascending, last = total).
    mutating func nextIndex(cumulative: [Double]) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let target = nextUnit() * total
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Fisher–Yates.
    mutating func shuffle<Element>(_ array: inout [Element]) {
        var index = array.count - 1
        while index > 0 {
            array.swapAt(index, nextInt(below: index + 1))
            index -= 1
        }
    }

    /// `count` distinct indices of `weights`, each drawn in proportion to its weight among those
    /// left (Efraimidis–Spirakis keys), in draw order. Zero weights are never drawn.
    mutating func sampleWithoutReplacement(weights: [Double], count: Int) -> [Int] {
        var keys: [(key: Double, index: Int)] = []
        keys.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() {
            let uniform = max(nextUnit(), .leastNonzeroMagnitude)
            if weight > 0 { keys.append((log(uniform) / weight, index)) }
        }
        keys.sort { $0.key > $1.key || ($0.key == $1.key && $0.index < $1.index) }
        return keys.prefix(count).map(\.index)
    }
}
