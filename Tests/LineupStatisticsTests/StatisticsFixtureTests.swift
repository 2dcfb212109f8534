import Foundation
import LineupStatistics
import Testing

/// Every statistic against SciPy and statsmodels on the same inputs (`Fixtures/generate.py`
/// wrote them), to 1e-6 absolute.
@Suite struct StatisticsFixtureTests {
    struct Fixtures: Decodable {
        struct NormalCDF: Decodable { var x: Double; var cdf: Double }
        struct NormalQuantile: Decodable { var p: Double; var x: Double }
        struct TCDF: Decodable { var t: Double; var df: Double; var cdf: Double }
        struct TQuantile: Decodable { var p: Double; var df: Double; var t: Double }
        struct ChiSquare: Decodable { var x: Double; var df: Double; var sf: Double }
        struct Proportions: Decodable {
            var control: [Double]
            var treatment: [Double]
            var difference, differenceLower, differenceUpper, relativeLift, relativeLower, relativeUpper, z, pValue: Double
        }
        struct Welch: Decodable {
            var control: [Double]
            var treatment: [Double]
            var difference, lower, upper, t, df, pValue: Double
        }
        struct Ratio: Decodable {
            var numerators: [Double]
            var denominators: [Double]
            var ratio, standardError, lower, upper: Double
        }
        struct RatioComparisonRow: Decodable {
            var control: Int
            var treatment: Int
            var difference, lower, upper, z, pValue, relativeLift: Double
        }
        struct SampleRatio: Decodable {
            var observed: [Int]
            var weights: [Double]
            var chiSquare, pValue: Double
        }
        struct Bayes: Decodable {
            var control: [Int]
            var treatment: [Int]
            var chanceToBeatControl, expectedLoss: Double
        }
        var normalCdf: [NormalCDF]
        var normalQuantile: [NormalQuantile]
        var tCdf: [TCDF]
        var tQuantile: [TQuantile]
        var chi2Survival: [ChiSquare]
        var proportions: [Proportions]
        var welch: [Welch]
        var ratios: [Ratio]
        var ratioComparisons: [RatioComparisonRow]
        var sampleRatio: [SampleRatio]
        var bayes: [Bayes]
        struct Wilson: Decodable { var successes, trials: Double; var rate, lower, upper: Double }
        var wilson: [Wilson]
    }

    static let fixtures: Fixtures = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/statistics.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(Fixtures.self, from: Data(contentsOf: url))
    }()

    static let tolerance = 1e-6

    func close(_ value: Double, _ expected: Double, _ what: String) {
        #expect(abs(value - expected) <= Self.tolerance, "\(what): \(value) against \(expected)")
    }

    @Test func distributions() {
        let fixtures = Self.fixtures
        for row in fixtures.normalCdf { close(Normal.cdf(row.x), row.cdf, "Φ(\(row.x))") }
        for row in fixtures.normalQuantile { close(Normal.quantile(row.p), row.x, "Φ⁻¹(\(row.p))") }
        for row in fixtures.tCdf { close(StudentT.cdf(row.t, degreesOfFreedom: row.df), row.cdf, "T\(row.df)(\(row.t))") }
        for row in fixtures.tQuantile {
            close(StudentT.quantile(row.p, degreesOfFreedom: row.df), row.t, "T\(row.df)⁻¹(\(row.p))")
        }
        for row in fixtures.chi2Survival {
            close(ChiSquared.survival(row.x, degreesOfFreedom: row.df), row.sf, "χ²\(row.df) sf(\(row.x))")
        }
    }

    @Test func proportionsMatchStatsmodels() {
        for row in Self.fixtures.proportions {
            let found = ProportionComparison(
                controlSuccesses: row.control[0], controlTrials: row.control[1], treatmentSuccesses: row.treatment[0],
                treatmentTrials: row.treatment[1])
            let label = "\(row.control) against \(row.treatment)"
            close(found.difference, row.difference, label)
            close(found.differenceLower, row.differenceLower, label)
            close(found.differenceUpper, row.differenceUpper, label)
            close(found.relativeLift ?? .nan, row.relativeLift, label)
            close(found.relativeLower ?? .nan, row.relativeLower, label)
            close(found.relativeUpper ?? .nan, row.relativeUpper, label)
            close(found.z, row.z, label)
            close(found.pValue, row.pValue, label)
        }
    }

    @Test func welchMatchesSciPy() {
        for row in Self.fixtures.welch {
            let found = WelchComparison(control: row.control, treatment: row.treatment)
            let label = "\(row.control.count) against \(row.treatment.count) values"
            close(found.difference, row.difference, label)
            close(found.lower, row.lower, label)
            close(found.upper, row.upper, label)
            close(found.t, row.t, label)
            close(found.degreesOfFreedom, row.df, label)
            close(found.pValue, row.pValue, label)
        }
    }

    @Test func ratioMetricsMatchTheDeltaMethod() {
        for row in Self.fixtures.ratios {
            let found = RatioEstimate(numerators: row.numerators, denominators: row.denominators)
            close(found.ratio, row.ratio, "ratio")
            close(found.standardError, row.standardError, "standard error")
            close(found.lower, row.lower, "lower")
            close(found.upper, row.upper, "upper")
        }
    }

    @Test func ratioComparisonsMatchTheNormalTest() {
        let fixtures = Self.fixtures
        func estimate(_ index: Int) -> RatioEstimate {
            RatioEstimate(numerators: fixtures.ratios[index].numerators, denominators: fixtures.ratios[index].denominators)
        }
        for row in fixtures.ratioComparisons {
            let found = RatioComparison(control: estimate(row.control), treatment: estimate(row.treatment))
            close(found.difference, row.difference, "difference")
            close(found.lower, row.lower, "lower")
            close(found.upper, row.upper, "upper")
            close(found.z, row.z, "z")
            close(found.pValue, row.pValue, "p")
            close(found.relativeLift ?? .nan, row.relativeLift, "relative lift")
        }
    }

    @Test func sampleRatioMatchesSciPy() {
        for row in Self.fixtures.sampleRatio {
            let found = SampleRatioTest(observed: row.observed, weights: row.weights)
            close(found.chiSquare, row.chiSquare, "\(row.observed)")
            close(found.pValue, row.pValue, "\(row.observed)")
            #expect(found.mismatch == (row.pValue < 0.001))
        }
        #expect(Self.fixtures.sampleRatio.contains { $0.pValue < 0.001 }, "the fixtures include a mismatch")
    }

    @Test func bayesianOddsMatchNumericalIntegration() {
        for row in Self.fixtures.bayes {
            let found = BayesianComparison(
                controlSuccesses: row.control[0], controlTrials: row.control[1], treatmentSuccesses: row.treatment[0],
                treatmentTrials: row.treatment[1])
            close(found.chanceToBeatControl, row.chanceToBeatControl, "\(row.control) against \(row.treatment)")
            close(found.expectedLoss, row.expectedLoss, "\(row.control) against \(row.treatment)")
        }
    }

    @Test func wilsonIntervalsMatchStatsmodels() {
        for row in Self.fixtures.wilson {
            let interval = RateInterval(successes: row.successes, trials: row.trials)
            close(interval.rate, row.rate, "rate of \(row.successes)/\(row.trials)")
            close(interval.lower, row.lower, "lower of \(row.successes)/\(row.trials)")
            close(interval.upper, row.upper, "upper of \(row.successes)/\(row.trials)")
        }
        // No trials: nothing is known.
        let none = RateInterval(successes: 0, trials: 0)
        #expect(none.rate == 0 && none.lower == 0 && none.upper == 1)
    }
}
