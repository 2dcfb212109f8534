import ArgumentParser
import Foundation
import LineupAnalysis
import LineupEvaluation
import LineupRanking
import LineupStore

/// Offline evaluation of what Lineup served, from the impression log or an exported file,
/// and the replay of a candidate model on the logged feature vectors.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "NDCG@K, AUC, MRR, Recall@K and the position-bias curve of what was served.",
        discussion: """
            Reads the impression log of the configured database (a window with --from/--to and \
            filters), or with --input a JSON-lines file with one object per shown widget \
            (request_id, item_id, position, score, label; other fields ignored), such as \
            `lineup export` writes. NDCG@K uses gains 2^label − 1 and log2 discounts in score \
            order, with tied scores sharing their average gain as scikit-learn's ndcg_score does, \
            averaged over requests with a positive label; AUC pools every shown widget (label > 0 \
            is positive, ties count one half). With --model, the model re-scores the logged \
            feature vectors and its order is compared with the served one on the same requests.
            """
    )

    @OptionGroup var options: SettingsOptions
    @OptionGroup var filter: ImpressionFilterOptions

    @Option(help: "Cut-offs for NDCG and Recall, comma-separated.")
    var k = "1,3,5,10"

    @Option(help: "Evaluate this JSON-lines file instead of the log.")
    var input: String?

    @Option(help: "Replay this model (XGBoost JSON) on the logged feature vectors.")
    var model: String?

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Flag(help: "Evaluate the layout bandit's decisions instead: per arm, and IPS/SNIPS estimates of other policies.")
    var layouts = false

    @Option(help: "Also write a self-contained HTML report (SVG charts, no network) to this file.")
    var html: String?

    func cutoffs() throws -> [Int] {
        guard let cutoffs = MetricsAccumulator.cutoffs(parsing: k) else {
            throw ValidationError("--k must list cut-offs in 1...1000 separated by commas, such as 1,3,5,10")
        }
        return cutoffs
    }

    func run() async throws {
        if layouts {
            for (flag, given) in [("--input", input != nil), ("--model", model != nil), ("--html", html != nil)] where given {
                throw ValidationError("\(flag) cannot be used with --layouts")
            }
            return try await evaluateLayouts()
        }
        let cutoffs = try cutoffs()
        let evaluation: LogEvaluation
        var experiments: [ExperimentAnalysis] = []
        if let input {
            if model != nil { throw ValidationError("--model replays the log's feature vectors; it cannot be used with --input") }
            evaluation = LogEvaluation(
                overall: try EvaluationFile(path: input).summary(cutoffs: cutoffs), byDay: [:], byRanker: [:], byVariant: [:],
                replay: nil)
        } else {
            let runtime = try await Runtime.open(settings: try options.settings(), existing: true)
            let query = try filter.query()
            let forest = try model.map { path in
                do {
                    return try Forest(contentsOf: URL(fileURLWithPath: path))
                } catch {
                    throw ValidationError("--model \(path): \(error)")
                }
            }
            evaluation = try await runtime.analysis.evaluate(query, cutoffs: cutoffs, replay: forest.map { (model!, $0) })
            if html != nil {
                // The HTML report gets a page section per experiment that served in the window.
                let served = Set(evaluation.byVariant.keys)
                for experiment in try await runtime.store.experiments()
                where query.experiment.map({ $0 == experiment.id }) ?? experiment.variants.contains(where: { served.contains($0.id) }) {
                    experiments.append(try await runtime.analysis.analyzeExperiment(id: experiment.id))
                }
            }
        }
        if let html {
            let title = "Lineup evaluation" + (input.map { " of \($0)" } ?? "")
            do {
                try HTMLReport(evaluation: evaluation, title: title, experiments: experiments).html
                    .write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("--html \(html) cannot be written: \(error.localizedDescription)")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.line(String(decoding: try encoder.encode(evaluation), as: UTF8.self))
        } else {
            Console.line(EvaluationReport(evaluation: evaluation).text)
        }
    }

    private func evaluateLayouts() async throws {
        let runtime = try await Runtime.open(settings: try options.settings(), existing: true)
        let evaluations = try await runtime.analysis.evaluateLayouts(try filter.query())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            Console.line(String(decoding: try encoder.encode(["surfaces": evaluations]), as: UTF8.self))
        } else if evaluations.isEmpty {
            Console.line("no layout decisions in the window")
        } else {
            Console.line(evaluations.map { LayoutReport(evaluation: $0).text }.joined(separator: "\n\n"))
        }
    }
}
