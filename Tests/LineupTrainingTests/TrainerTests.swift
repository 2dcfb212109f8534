import LineupRanking
@testable import LineupTraining
import Testing

@Suite struct TrainerTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Rows of four features: two informative (one with missing values), one with heavy
    /// ties, one noise; the label depends on the first two and the missing flag.
    static func data(rows count: Int, seed: UInt64) -> (rows: [Float], labels: [Float]) {
        var rng = Generator(state: seed)
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
        return (rows, labels)
    }

    /// The split thresholds send every training row where its bins did: the forest's margins
    /// on the raw rows are the booster's own.
    @Test(arguments: [Objective.binaryLogistic, .squaredError])
    func theWrittenTreesScoreTheTrainingRowsAsTrained(_ objective: Objective) throws {
        let (rows, labels) = Self.data(rows: 2_000, seed: 3)
        var configuration = Trainer.Configuration()
        configuration.objective = objective
        configuration.rounds = 20
        configuration.maxBins = 16
        let (forest, margins) = try Trainer(configuration: configuration)
            .trainKeepingMargins(rows: rows, labels: labels, featureCount: 4)
        let scored = try rows.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        for (row, (ours, trained)) in zip(scored, margins).enumerated() {
            #expect(abs(ours - trained) <= 1e-4, "row \(row): \(ours) vs \(trained)")
        }
        // And XGBoost's file format carries it unchanged.
        let again = try Forest(xgboostJSON: forest.xgboostJSON())
        #expect(try rows.withUnsafeBufferPointer { try again.margins(rows: $0) } == scored)
    }

    @Test func theTrainingLossFallsEveryRoundAndTheModelSeparatesTheClasses() throws {
        let (rows, labels) = Self.data(rows: 3_000, seed: 5)
        var losses: [Double] = []
        var configuration = Trainer.Configuration()
        configuration.rounds = 30
        configuration.maxDepth = 4
        let forest = try Trainer(configuration: configuration)
            .train(rows: rows, labels: labels, featureCount: 4) { _, loss in losses.append(loss) }
        #expect(losses.count == 30)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "\(losses)")
        let predictions = try rows.withUnsafeBufferPointer { try forest.predictions(rows: $0) }
        let correct = zip(predictions, labels).filter { ($0 > 0.5) == ($1 == 1) }.count
        #expect(Double(correct) / Double(labels.count) > 0.8)
        #expect(forest.trees.allSatisfy { $0.depth <= 4 })
    }

    /// LambdaMART on groups whose relevance follows the first feature: the groups' NDCG in
    /// the model's order climbs from where the unordered start leaves it.
    @Test func lambdaMARTLearnsTheOrderWithinGroups() throws {
        var rng = Generator(state: 13)
        var rows: [Float] = [], labels: [Float] = [], groups: [Int] = []
        for _ in 0..<200 {
            let size = Int.random(in: 5...15, using: &rng)
            groups.append(size)
            for _ in 0..<size {
                let relevance = Float.random(in: 0...1, using: &rng)
                rows += [relevance + Float.random(in: -0.1...0.1, using: &rng), Float.random(in: 0...1, using: &rng)]
                labels.append(Float(Int(relevance * 4)))
            }
        }
        var configuration = Trainer.Configuration()
        configuration.objective = .rankNDCG
        configuration.rounds = 20
        configuration.learningRate = 0.1
        configuration.minChildWeight = 0.01
        var ndcg: [Double] = []
        let forest = try Trainer(configuration: configuration)
            .train(rows: rows, labels: labels, groups: groups, featureCount: 2) { _, value in ndcg.append(value) }
        #expect(ndcg.last! > ndcg.first! + 0.05, "\(ndcg)")
        #expect(ndcg.last! > 0.9)
        #expect(forest.objective == .rankNDCG)
        #expect(throws: TrainingError.self) {
            try Trainer(configuration: configuration).train(rows: rows, labels: labels, groups: [3], featureCount: 2)
        }
    }

    @Test func binsRespectTheFloatOrder() {
        var rng = Generator(state: 9)
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
        #expect(throws: TrainingError.self) { try Trainer(configuration: configuration).train(rows: [1], labels: [1], featureCount: 1) }
        #expect(throws: TrainingError.self) { try Trainer().train(rows: [1, 2], labels: [1], featureCount: 1) }
        #expect(throws: TrainingError.self) { try Trainer().train(rows: [1], labels: [2], featureCount: 1) }
    }
}
