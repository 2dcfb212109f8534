import ArgumentParser
import Foundation
import LineupRanking
import LineupTraining

/// Trains a forest from a LIBSVM file and writes it as XGBoost JSON. The first step of issue
/// 6: training from the impression log, LambdaMART, the model registry and the API follow.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train boosted trees (binary:logistic or reg:squarederror) from a LIBSVM file; write XGBoost JSON.",
        discussion: """
            Rows are LIBSVM lines (label, then 0-based index:value pairs; absent features are \
            missing). Prints a progress line every --report-every rounds with the training loss.
            """
    )

    @Option(help: "The training rows (LIBSVM).")
    var data: String

    @Option(help: "Query groups for rank:ndcg: one size per line, consecutive rows (as XGBoost and LightGBM read them).")
    var group: String?

    @Option(help: "Features per row.")
    var features: Int

    @Option(help: "Where to write the model (XGBoost JSON).")
    var out: String

    @Option(help: "binary:logistic, reg:squarederror or rank:ndcg (LambdaMART, needs --group).")
    var objective = "binary:logistic"

    @Option(help: "Boosting rounds (trees).")
    var rounds = 100

    @Option(help: "Depth of each tree.")
    var maxDepth = 6

    @Option(help: "Learning rate (eta).")
    var learningRate: Float = 0.3

    @Option(help: "L2 regularisation of leaf weights.")
    var lambda = 1.0

    @Option(help: "Least loss reduction for a split (min_split_loss).")
    var gamma = 0.0

    @Option(help: "Least hessian sum in a child.")
    var minChildWeight = 1.0

    @Option(help: "Bins per feature.")
    var maxBin = 255

    @Option(help: "Print a progress line every this many rounds.")
    var reportEvery = 10

    func run() throws {
        guard let objective = Objective(rawValue: objective) else { throw ValidationError("--objective \(objective) is unknown") }
        let text: String
        do {
            text = try String(contentsOfFile: data, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(data): \(error.localizedDescription)")
        }
        let rows: RowFile
        do {
            rows = try RowFile(text: text, format: .libsvm, featureCount: features)
        } catch {
            throw ValidationError("\(data): \(error)")
        }
        let groups: [Int]? = try group.map { path in
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(path): \(error.localizedDescription)")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let sizes = lines.compactMap { Int($0) }
            guard sizes.count == lines.count else { throw ValidationError("--group \(path): one whole number per line") }
            return sizes
        }
        var configuration = Trainer.Configuration()
        configuration.objective = objective
        configuration.rounds = rounds
        configuration.maxDepth = maxDepth
        configuration.learningRate = learningRate
        configuration.lambda = lambda
        configuration.gamma = gamma
        configuration.minChildWeight = minChildWeight
        configuration.maxBins = min(maxBin, 255)
        let every = max(1, reportEvery)
        let forest: Forest
        do {
            let data = try TrainingData(rows: rows.values, labels: rows.labels, groups: groups, featureCount: features)
            forest = try Trainer(configuration: configuration).train(data) { round in
                if round.round % every == 0 || round.round == 1 {
                    Console.line(
                        "train: round \(round.round)/\(rounds), \(String(format: "%.1f", round.seconds)) s, "
                            + "training \(objective == .binaryLogistic ? "logloss" : objective == .rankNDCG ? "NDCG@10" : "rmse") \(String(format: "%.5f", round.train))")
                }
            }.forest
        } catch {
            throw ValidationError("\(error)")
        }
        let started = Date()
        do {
            try forest.xgboostJSON().write(to: URL(fileURLWithPath: out))
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        Console.line("train: \(forest.trees.count) trees in \(String(format: "%.2f", Date().timeIntervalSince(started))) s, written to \(out)")
    }
}
