import Foundation
import LineupRanking
import LineupTraining
import Testing

/// Models `lineup train` wrote, as XGBoost read them: `Fixtures/generate.py` trained each
/// case with the command line, loaded the file into XGBoost 3.2.0 and recorded its
/// predictions. Training again here must give the same trees, and Lineup must score them
/// as XGBoost did.
@Suite struct TrainedModelTests {
    struct Manifest: Decodable {
        var cases: [Case]

        struct Case: Decodable {
            var name: String
            var objective: String
            var features: Int
            var params: [String: Double]
            var groups: Bool
            var xgboostPredictions: [Float]
            var xgboostMargins: [Float]
        }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func manifest() throws -> Manifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Manifest.self, from: Data(contentsOf: fixtures.appendingPathComponent("manifest.json")))
    }

    /// The command line's flags, as the script passed them.
    static func configuration(_ testCase: Manifest.Case) throws -> Trainer.Configuration {
        var configuration = Trainer.Configuration()
        configuration.objective = try #require(Objective(rawValue: testCase.objective))
        for (flag, value) in testCase.params {
            switch flag {
            case "rounds": configuration.rounds = Int(value)
            case "max-depth": configuration.maxDepth = Int(value)
            case "max-leaves": configuration.maxLeaves = Int(value)
            case "learning-rate": configuration.learningRate = Float(value)
            case "subsample": configuration.subsample = value
            case "colsample-bytree": configuration.columnSample = value
            case "max-bin": configuration.maxBins = Int(value)
            case "sampling-seed": configuration.seed = UInt64(value)
            case "lambda": configuration.lambda = value
            case "gamma": configuration.gamma = value
            case "min-child-weight": configuration.minChildWeight = value
            default: Issue.record("the test does not know --\(flag)")
            }
        }
        return configuration
    }

    @Test(arguments: ["binary_sampled", "rank_leaves"])
    func xgboostScoresWhatLineupTrainedAsLineupDoes(_ name: String) throws {
        let testCase = try #require(try Self.manifest().cases.first { $0.name == name })
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).libsvm"), encoding: .utf8)
        let rows = try RowFile(text: text, format: .libsvm, featureCount: testCase.features)
        let groups = try testCase.groups
            ? String(contentsOf: Self.fixtures.appendingPathComponent("\(name).group"), encoding: .utf8)
                .split(separator: "\n").compactMap { Int($0) }
            : nil
        let written = try Forest(contentsOf: Self.fixtures.appendingPathComponent("\(name).model.json"))

        let trained = try Trainer(configuration: Self.configuration(testCase))
            .train(TrainingData(rows: rows.values, labels: rows.labels, groups: groups, featureCount: testCase.features))
            .forest
        #expect(trained.trees == written.trees, "training is deterministic; if the trainer changed on purpose, run generate.py")
        #expect(trained.baseScore == written.baseScore)

        let (predictions, margins) = try rows.values.withUnsafeBufferPointer {
            (try written.predictions(rows: $0), try written.margins(rows: $0))
        }
        #expect(predictions.count == testCase.xgboostPredictions.count)
        for (row, (ours, theirs)) in zip(predictions, testCase.xgboostPredictions).enumerated() {
            #expect(abs(ours - theirs) <= 1e-5, "row \(row): \(ours) vs XGBoost's \(theirs)")
        }
        for (row, (ours, theirs)) in zip(margins, testCase.xgboostMargins).enumerated() {
            #expect(abs(ours - theirs) <= 1e-5, "row \(row) margin: \(ours) vs XGBoost's \(theirs)")
        }
    }
}
