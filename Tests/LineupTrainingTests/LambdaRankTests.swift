import Foundation
import LineupCore
import LineupRanking
import LineupTraining
import Testing

/// LambdaMART as XGBoost computes it, biased and unbiased: `Fixtures/lambdarank.py` trained
/// XGBoost 3.2.0 on a click log with each case's parameters and recorded its position bias
/// (`ti+`, `tj-`) and margins. Lineup, trained on the same rows with the same parameters,
/// must reach them: the pairs, lambdas, hessians, normalisations and bias updates are the
/// same arithmetic, and the features are integers, which both trainers bin alike.
@Suite struct LambdaRankTests {
    struct Manifest: Decodable {
        var features: Int
        var cases: [Case]

        struct Case: Decodable {
            var name: String
            var rounds: Int
            var params: [String: Parameter]
            var tiPlus: [Float]
            var tjMinus: [Float]
            var margins: [Float]
        }

        enum Parameter: Decodable {
            case number(Double)
            case flag(Bool)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let flag = try? container.decode(Bool.self) { self = .flag(flag) } else { self = .number(try container.decode(Double.self)) }
            }

            var number: Double {
                switch self {
                case .number(let value): value
                case .flag(let value): value ? 1 : 0
                }
            }
        }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func manifest() throws -> Manifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Manifest.self, from: Data(contentsOf: fixtures.appendingPathComponent("lambdarank.json")))
    }

    static func clicks(features: Int) throws -> TrainingData {
        let text = try String(contentsOf: fixtures.appendingPathComponent("clicks.libsvm"), encoding: .utf8)
        let rows = try RowFile(text: text, format: .libsvm, featureCount: features)
        let groups = try String(contentsOf: fixtures.appendingPathComponent("clicks.group"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0) }
        return try TrainingData(rows: rows.values, labels: rows.labels, groups: groups, featureCount: features)
    }

    /// XGBoost's parameters as the trainer's settings.
    static func configuration(_ testCase: Manifest.Case) -> Trainer.Configuration {
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.rounds = testCase.rounds
        // XGBoost's own gains and hessian, which Lineup's defaults are not.
        configuration.lambdaRank.exponentialGain = true
        configuration.lambdaRank.hessian = .xgboost
        for (name, value) in testCase.params {
            switch name {
            case "lambdarank_unbiased": configuration.lambdaRank.unbiased = value.number == 1
            case "lambdarank_num_pair_per_sample": configuration.lambdaRank.pairsPerSample = Int(value.number)
            case "lambdarank_bias_norm": configuration.lambdaRank.biasNorm = value.number
            case "lambdarank_score_normalization": configuration.lambdaRank.scoreNormalization = value.number == 1
            case "max_depth": configuration.maxDepth = Int(value.number)
            case "eta": configuration.learningRate = Float(value.number)
            case "lambda": configuration.lambda = value.number
            default: Issue.record("the test does not know \(name)")
            }
        }
        return configuration
    }

    @Test(arguments: ["unbiased_top8", "unbiased_defaults", "unbiased_bias_norm", "biased_defaults", "biased_unnormalised"])
    func lineupLearnsWhatXGBoostLearns(_ name: String) throws {
        let manifest = try Self.manifest()
        let testCase = try #require(manifest.cases.first { $0.name == name })
        let data = try Self.clicks(features: manifest.features)
        let forest = try Trainer(configuration: Self.configuration(testCase)).train(data).forest

        let bias = forest.lambdaRank?.positionBias
        if testCase.tiPlus.isEmpty {
            #expect(bias == nil)
        } else {
            let bias = try #require(bias)
            // XGBoost writes them as float32: equal to 1e-6 of their size.
            for (label, ours, theirs) in [("ti+", bias.plus, testCase.tiPlus), ("tj-", bias.minus, testCase.tjMinus)] {
                #expect(ours.count == theirs.count)
                for (position, (a, b)) in zip(ours, theirs).enumerated() {
                    #expect(abs(Float(a) - b) <= 1e-6 * max(1, abs(b)), "\(label)[\(position)]: \(a) against XGBoost's \(b)")
                }
            }
        }
        let margins = try data.rows.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        #expect(margins.count == testCase.margins.count)
        let worst = zip(margins, testCase.margins).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5, "margins differ from XGBoost's by up to \(worst)")
    }

    /// A click log with no signal in the features: every row equally relevant, clicked with
    /// the examination of its position times 0.5.
    static func positionOnlyClicks(groups: Int, size: Int, seed: UInt64) throws -> TrainingData {
        let examination = [0.68, 0.61, 0.48, 0.34, 0.28, 0.20, 0.11, 0.10, 0.08, 0.06]
        var random = SeededGenerator(seed: seed)
        var rows: [Float] = [], labels: [Float] = []
        for _ in 0..<groups {
            for position in 0..<size {
                rows.append(Float(random.nextUnit()))
                labels.append(random.nextUnit() < examination[min(position, 9)] * 0.5 ? 1 : 0)
            }
        }
        return try TrainingData(rows: rows, labels: labels, groups: Array(repeating: size, count: groups), featureCount: 1)
    }

    /// XGBoost's invariants of the estimates: 1 at position 0, finite, never negative; and
    /// for constant predictions (the first round), t⁺ falls with the position as the
    /// examination behind the clicks does.
    @Test func theBiasEstimatesKeepXGBoostsInvariants() throws {
        let data = try Self.positionOnlyClicks(groups: 3_000, size: 10, seed: 5)
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.lambdaRank.unbiased = true
        configuration.rounds = 1
        let first = try #require(try Trainer(configuration: configuration).train(data).forest.lambdaRank?.positionBias)
        #expect(first.plus.count == 32 && first.minus.count == 32)
        #expect(first.plus[0] == 1 && first.minus[0] == 1)
        for values in [first.plus, first.minus] { #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }) }
        for position in 1..<10 { #expect(first.plus[position] <= first.plus[position - 1], "t+ at \(position): \(first.plus)") }
        // Positions beyond the longest group get no pairs: 0, and not divided by.
        #expect(first.plus[10...].allSatisfy { $0 == 0 })

        configuration.rounds = 20
        configuration.lambdaRank.pairMethod = .mean
        configuration.lambdaRank.pairsPerSample = 4
        let later = try #require(try Trainer(configuration: configuration).train(data).forest.lambdaRank?.positionBias)
        #expect(later.plus.count == 10, "mean tracks min(largest group, 32) positions")
        #expect(later.plus[0] == 1 && later.minus[0] == 1)
        for values in [later.plus, later.minus] { #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }) }
    }

    /// The estimates, the pair method and the other settings leave Lineup in the model file
    /// where XGBoost keeps them, and come back when the file is read.
    @Test func theModelFileCarriesTheSettingsAndTheBias() throws {
        let data = try Self.positionOnlyClicks(groups: 200, size: 8, seed: 9)
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.rounds = 3
        configuration.lambdaRank.unbiased = true
        configuration.lambdaRank.pairsPerSample = 6
        configuration.lambdaRank.biasNorm = 0.5
        let forest = try Trainer(configuration: configuration).train(data).forest
        let json = forest.xgboostJSON()
        let objective = try #require(
            ((try JSONSerialization.jsonObject(with: json) as? [String: Any])?["learner"] as? [String: Any])?["objective"]
                as? [String: Any])
        let parameters = try #require(objective["lambdarank_param"] as? [String: String])
        #expect(parameters["lambdarank_unbiased"] == "1")
        #expect(parameters["lambdarank_num_pair_per_sample"] == "6")
        #expect(parameters["lambdarank_bias_norm"] == "0.5")
        #expect(parameters["lambdarank_pair_method"] == "topk")
        #expect((objective["ti+"] as? [Double])?.count == 6)

        let read = try Forest(xgboostJSON: json)
        let bias = try #require(read.lambdaRank?.positionBias)
        let written = try #require(forest.lambdaRank?.positionBias)
        for (a, b) in zip(bias.plus + bias.minus, written.plus + written.minus) { #expect(Float(a) == Float(b)) }
        #expect(read.lambdaRank?.pairsPerSample == 6)
        #expect(read.lambdaRank?.biasNorm == 0.5)
    }

    /// `mean` draws its pairs from the seed: one model per seed on any number of cores, and
    /// it learns the order.
    @Test func meanPairsAreSeededAndLearn() throws {
        let (rows, labels, groups) = TrainerTests.rankingRows(groups: 300, seed: 4)
        let data = try TrainingData(rows: rows, labels: labels, groups: groups, featureCount: 2)
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.rounds = 15
        configuration.lambdaRank.pairMethod = .mean
        configuration.lambdaRank.pairsPerSample = 2
        configuration.seed = 8
        let parallel = try Trainer(configuration: configuration).train(data)
        configuration.parallel = false
        let serial = try Trainer(configuration: configuration).train(data)
        #expect(parallel.forest.trees == serial.forest.trees)
        let rounds = parallel.rounds
        let first = try #require(rounds.first), last = try #require(rounds.last)
        #expect(last.train > first.train + 0.05)
        configuration.seed = 9
        #expect(try Trainer(configuration: configuration).train(data).forest.trees != serial.forest.trees)
    }

    @Test func badRankingSettingsAreNamed() {
        var configuration = Trainer.Configuration()
        configuration.lambdaRank.pairsPerSample = 0
        #expect(throws: TrainingError.invalidParameter(name: "lambdarank_num_pair_per_sample", reason: "must be at least 1")) {
            try configuration.validate()
        }
        configuration.lambdaRank.pairsPerSample = nil
        configuration.lambdaRank.biasNorm = -1
        #expect(throws: TrainingError.self) { try configuration.validate() }
    }
}
