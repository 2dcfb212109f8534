/// Whether the users actually split as the weights say: Pearson's chi-square test of the
/// observed counts against the expected ones (SciPy's `chisquare`). A mismatch means the
/// assignment or the logging is broken, which no other statistic can correct, so it is
/// flagged at p < 0.001, where a healthy experiment almost never lands.
public struct SampleRatioTest: Sendable, Equatable, Codable {
    public var chiSquare: Double
    public var pValue: Double
    public var mismatch: Bool

    public static let threshold = 0.001

    public init(observed: [Int], weights: [Double]) {
        precondition(observed.count == weights.count && observed.count >= 2, "a count per weight, two or more")
        let total = Double(observed.reduce(0, +))
        let weightSum = weights.reduce(0, +)
        guard total > 0 else {
            (chiSquare, pValue, mismatch) = (0, 1, false)
            return
        }
        chiSquare = zip(observed, weights).reduce(0) { sum, pair in
            let expected = total * pair.1 / weightSum
            return sum + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
        pValue = ChiSquared.survival(chiSquare, degreesOfFreedom: Double(observed.count - 1))
        mismatch = pValue < Self.threshold
    }
}
