import ArgumentParser
import Foundation
import LineupEvaluation

/// The metrics timed the way `benchmarks/eval/peers.py` times scikit-learn, on the same
/// data, after checking they give scikit-learn's values.
struct BenchEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Time the pooled AUC over 10M scores and NDCG@10 over 100k × 20 on peers.py's data."
    )

    @Option(help: "The directory `peers.py generate` wrote.")
    var data: String

    @Option(help: "Rounds; the median is reported.")
    var rounds = 3

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    struct Meta: Decodable {
        let auc_rows: Int
        let requests: Int
        let items: Int
        let k: Int
        let auc: Double
        let ndcg: Double
    }

    /// Keys as `benchmarks/eval/compare.py` reads them.
    struct Report: Encodable {
        let auc_10m_seconds: Double
        let ndcg_100k_seconds: Double
    }

    func run() throws {
        let directory = URL(fileURLWithPath: data)
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json")))
        func doubles(_ name: String) throws -> [Double] {
            try Data(contentsOf: directory.appendingPathComponent(name)).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        }
        func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }
        let scores = try doubles("auc_scores.f64")
        let positives = try bytes("auc_labels.u8").map { $0 > 0 }
        let rankScores = try doubles("ndcg_scores.f64")
        let rankLabels = try bytes("ndcg_labels.u8")
        guard scores.count == meta.auc_rows, positives.count == meta.auc_rows,
              rankScores.count == meta.requests * meta.items, rankLabels.count == rankScores.count
        else { throw ValidationError("\(data) does not hold what meta.json says: run peers.py generate again") }
        // Built before timing, as scikit-learn gets its matrices ready-made.
        let requests = (0..<meta.requests).map { request in
            (0..<meta.items).map { item in
                let index = request * meta.items + item
                return JudgedItem(score: rankScores[index], label: Int(rankLabels[index]), position: item + 1)
            }
        }

        func timed<T>(_ body: () throws -> T) rethrows -> (Double, T) {
            var samples: [Double] = []
            var value: T?
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                value = try body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return (samples.sorted()[samples.count / 2], value!)
        }
        let (aucSeconds, auc) = timed { AUC.pooled(scores: scores, positives: positives) }
        let (ndcgSeconds, summary) = try timed {
            var accumulator = try MetricsAccumulator(cutoffs: [meta.k])
            for request in requests { accumulator.add(request: request) }
            return accumulator.summary(auc: nil)
        }
        let ndcg = summary.cutoffs[0].ndcg
        guard let auc, abs(auc - meta.auc) <= 1e-9 else {
            throw ValidationError("AUC \(auc as Any) differs from scikit-learn's \(meta.auc)")
        }
        guard let ndcg, abs(ndcg - meta.ndcg) <= 1e-9 else {
            throw ValidationError("NDCG@\(meta.k) \(ndcg as Any) differs from scikit-learn's \(meta.ndcg)")
        }
        Console.line("values equal scikit-learn's to 1e-9: AUC \(auc), NDCG@\(meta.k) \(ndcg)")
        Console.line("| call | Lineup, median of \(rounds) |")
        Console.line("|---|---|")
        Console.line("| AUC, \(meta.auc_rows) scores | \(String(format: "%.3f", aucSeconds)) s |")
        Console.line("| NDCG@\(meta.k), \(meta.requests) × \(meta.items) | \(String(format: "%.1f", ndcgSeconds * 1_000)) ms |")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(Report(auc_10m_seconds: aucSeconds, ndcg_100k_seconds: ndcgSeconds))
                .write(to: URL(fileURLWithPath: json))
        }
    }
}
