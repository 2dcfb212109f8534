import LineupCore
import LineupRanking
@testable import LineupTraining
import Testing

@Suite struct TrainerTests {

    /// Rows of four features: two informative (one with missing values), one with heavy
    /// ties, one noise; the label depends on the first two and the missing flag.
    static func data(rows count: Int, seed: UInt64) -> TrainingData {
        var rng = SeededGenerator(seed: seed)
        var rows: [Float] = [], labels: [Float] = []
        for _ in 0..<count {
            let a = Float.random(in: -1...1, using: &rng)
            let missing = Int.random(in: 0..<5, using: &rng) == 0
            let b: Float = missing ? .nan : Float.random(in: 0...1, using: &rng)
            let tied = Float(Int.random(in: 0..<4, using: &rng))
            let noise = Float.random(in: -0.0...1, using: &rng)
            rows += [a, b, tied, noise]
            let score = 2 * a + (missing ? 1 : b - 0.5) + 0.3 * tied - 0.45 + Float.random(in: -0.5...0.5, using: &rng)
            labels.append(score > 0 ? 1 : 0)
        }
        return try! TrainingData(rows: rows, labels: labels, featureCount: 4)
    }

    /// The split thresholds send every training row where its bins did: the forest's margins
    /// on the raw rows are the booster's own.
    @Test(arguments: [Objective.binaryLogistic, .squaredError])
    func theWrittenTreesScoreTheTrainingRowsAsTrained(_ objective: Objective) throws {
        let data = Self.data(rows: 2_000, seed: 3)
        var configuration = Trainer.Configuration()
        configuration.objective = objective
        configuration.rounds = 20
        configuration.maxBins = 16
        configuration.subsample = 0.7
        let (result, margins) = try Trainer(configuration: configuration).trainKeepingMargins(data)
        let forest = result.forest
        let rows = data.rows
        let scored = try rows.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        for (row, (ours, trained)) in zip(scored, margins).enumerated() {
            #expect(abs(ours - trained) <= 1e-4, "row \(row): \(ours) vs \(trained)")
        }
        // And XGBoost's file format carries it unchanged.
        let again = try Forest(xgboostJSON: forest.xgboostJSON())
        #expect(try rows.withUnsafeBufferPointer { try again.margins(rows: $0) } == scored)
    }

    @Test func theTrainingLossFallsEveryRoundAndTheModelSeparatesTheClasses() throws {
        let data = Self.data(rows: 3_000, seed: 5)
        var losses: [Double] = []
        var configuration = Trainer.Configuration()
        configuration.rounds = 30
        configuration.maxDepth = 4
        let forest = try Trainer(configuration: configuration).train(data) { losses.append($0.train) }.forest
        #expect(losses.count == 30)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "\(losses)")
        let predictions = try data.rows.withUnsafeBufferPointer { try forest.predictions(rows: $0) }
        let correct = zip(predictions, data.labels).filter { ($0 > 0.5) == ($1 == 1) }.count
        #expect(Double(correct) / Double(data.count) > 0.8)
        #expect(forest.trees.allSatisfy { $0.depth <= 4 })
    }

    /// Groups of 5 to 15 rows whose grade (0–3) follows the first of two features.
    static func rankingRows(groups count: Int, seed: UInt64) -> (rows: [Float], labels: [Float], groups: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var rows: [Float] = [], labels: [Float] = [], groups: [Int] = []
        for _ in 0..<count {
            let size = Int.random(in: 5...15, using: &rng)
            groups.append(size)
            for _ in 0..<size {
                let relevance = Float.random(in: 0...1, using: &rng)
                rows += [relevance + Float.random(in: -0.1...0.1, using: &rng), Float.random(in: 0...1, using: &rng)]
                labels.append(Float(Int(relevance * 4)))
            }
        }
        return (rows, labels, groups)
    }

    /// LambdaMART on groups whose relevance follows the first feature: the groups' NDCG in
    /// the model's order climbs from where the unordered start leaves it.
    @Test func lambdaMARTLearnsTheOrderWithinGroups() throws {
        let (rows, labels, groups) = Self.rankingRows(groups: 200, seed: 13)
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.rounds = 20
        configuration.learningRate = 0.1
        configuration.minChildWeight = 0.01
        var ndcg: [Double] = []
        let data = try TrainingData(rows: rows, labels: labels, groups: groups, featureCount: 2)
        let forest = try Trainer(configuration: configuration).train(data) { ndcg.append($0.train) }.forest
        #expect(ndcg.last! > ndcg.first! + 0.05, "\(ndcg)")
        #expect(ndcg.last! > 0.9)
        #expect(forest.objective == .rankNDCG)
        #expect(throws: TrainingError.self) {
            try TrainingData(rows: rows, labels: labels, groups: [3], featureCount: 2)
        }
        #expect(throws: TrainingError.self) {
            try Trainer(configuration: configuration).train(TrainingData(rows: rows, labels: labels, featureCount: 2))
        }
    }

    @Test func binsRespectTheFloatOrder() {
        var rng = SeededGenerator(seed: 9)
        let values: [Float] = (0..<500).map { _ in
            [-0.0, 0, 1, 2.5, -3, .leastNonzeroMagnitude, .nan, Float.random(in: -5...5, using: &rng)].randomElement(using: &rng)!
        }
        for maxBins in [2, 4, 255] {
            let bins = FeatureBins(rows: values, rowCount: values.count, featureCount: 1, maxBins: maxBins)
            #expect(bins.binCount(0) <= maxBins + 1)
            for (row, value) in values.enumerated() {
                let bin = Int(bins.bins[row])
                if value.isNaN {
                    #expect(bin == 0)
                    continue
                }
                #expect(bin >= 1)
                #expect(value < bins.upper[0][bin], "\(value) in bin \(bin) must lie below its boundary")
                if bin > 1 { #expect(!(value < bins.upper[0][bin - 1]), "\(value) must not lie below the previous boundary") }
            }
        }
    }

    @Test func badParametersAndDataAreNamed() {
        var configuration = Trainer.Configuration()
        configuration.maxDepth = 0
        #expect(throws: TrainingError.self) {
            try Trainer(configuration: configuration).train(TrainingData(rows: [1], labels: [1], featureCount: 1))
        }
        #expect(throws: TrainingError.self) { try TrainingData(rows: [1, 2], labels: [1], featureCount: 1) }
        #expect(throws: TrainingError.self) { try Trainer().train(TrainingData(rows: [1], labels: [2], featureCount: 1)) }
        for change in [{ (c: inout Trainer.Configuration) in c.subsample = 0 }, { $0.columnSample = 1.5 }, { $0.maxLeaves = 1 }] {
            var configuration = Trainer.Configuration()
            change(&configuration)
            #expect(throws: TrainingError.self) {
                try Trainer(configuration: configuration).train(TrainingData(rows: [1], labels: [1], featureCount: 1))
            }
        }
    }

    /// Sampling draws from the seed alone, and sums are chunked the same on any number of
    /// cores: one seed, one model.
    @Test func aSeedGivesOneModelOnAnyNumberOfCores() throws {
        let data = Self.data(rows: 40_000, seed: 21)
        var configuration = Trainer.Configuration()
        configuration.rounds = 8
        configuration.subsample = 0.8
        configuration.columnSample = 0.75
        configuration.seed = 7
        let parallel = try Trainer(configuration: configuration).train(data).forest
        configuration.parallel = false
        let serial = try Trainer(configuration: configuration).train(data).forest
        #expect(parallel.trees == serial.trees)
        configuration.seed = 8
        let reseeded = try Trainer(configuration: configuration).train(data).forest
        #expect(reseeded.trees != serial.trees)
    }

    @Test func columnSamplingAndLeafCapsBoundEveryTree() throws {
        let data = Self.data(rows: 3_000, seed: 4)
        var configuration = Trainer.Configuration()
        configuration.rounds = 15
        configuration.columnSample = 0.5
        configuration.maxLeaves = 5
        let forest = try Trainer(configuration: configuration).train(data).forest
        for tree in forest.trees {
            let splits = (0..<tree.nodeCount).filter { !tree.isLeaf($0) }
            #expect(Set(splits.map { tree.feature[$0] }).count <= 2)
            #expect(tree.nodeCount - splits.count <= 5)
        }
        #expect(forest.trees.contains { $0.nodeCount == 9 }, "some tree reaches the five leaves")
    }

    /// The validation score of each round is the score of the written model cut at that
    /// round, and early stopping keeps the trees up to the best round.
    @Test func earlyStoppingKeepsTheBestRound() throws {
        let data = Self.data(rows: 1_500, seed: 11)
        let validation = Self.data(rows: 1_500, seed: 12)
        var configuration = Trainer.Configuration()
        configuration.rounds = 200
        configuration.maxDepth = 8
        configuration.minChildWeight = 0
        configuration.learningRate = 0.5
        configuration.earlyStoppingRounds = 5
        let trainer = Trainer(configuration: configuration)
        let result = try trainer.train(data, validation: validation)
        #expect(result.rounds.count < 200, "an overfitting model stops early")
        #expect(result.rounds.count == result.bestRound + 5)
        #expect(result.forest.trees.count == result.bestRound)
        let scores = result.rounds.map { $0.validation! }
        #expect(scores.max() == scores[result.bestRound - 1])
        let margins = try validation.rows.withUnsafeBufferPointer { try result.forest.margins(rows: $0) }
        #expect(abs(trainer.validationScore(validation, margins: margins) - scores[result.bestRound - 1]) < 1e-9)
        #expect(result.validationMetric == "auc")
        #expect(result.importances.reduce(0) { $0 + $1.splits } == result.forest.trees.reduce(0) { $0 + ($1.nodeCount - 1) / 2 })
        #expect(result.importances[3].totalGain < result.importances[0].totalGain, "noise gains less than the signal")
    }
}
