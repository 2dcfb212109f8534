import ArgumentParser
import Foundation
import LineupRanking

/// Forest scoring timed the way `benchmarks/forest/peers.py` times XGBoost and LightGBM,
/// on the same model file and rows.
struct BenchForest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forest",
        abstract: "Time batch prediction (1, 200, 10,000 rows) and TreeSHAP (20 rows) on peers.py's model and rows."
    )

    @Option(help: "The XGBoost JSON model (peers.py generate writes model.json).")
    var model: String

    @Option(help: "Rows as raw little-endian float32, row after row, NaN for missing.")
    var rows: String

    @Option(help: "Features per row.")
    var features = 40

    @Option(help: "Rounds; each times every size and the median per call is reported.")
    var rounds = 5

    @Option(help: "XGBoost's predictions of the same rows (raw float32; peers.py generate writes xgboost_pred.f32): checked to 1e-5 before timing.")
    var reference: String?

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    /// Keys as `benchmarks/forest/compare.py` reads them.
    struct Report: Encodable {
        var predict1Us: Double
        var predict200Us: Double
        var predict10000Us: Double
        var contribs20Us: Double

        enum CodingKeys: String, CodingKey {
            case predict1Us = "predict_1_us"
            case predict200Us = "predict_200_us"
            case predict10000Us = "predict_10000_us"
            case contribs20Us = "contribs_20_us"
        }
    }

    func run() throws {
        let forest = try Forest(contentsOf: URL(fileURLWithPath: model))
        guard forest.featureCount == features else {
            throw ValidationError("the model has \(forest.featureCount) features, --features says \(features)")
        }
        let values = try Data(contentsOf: URL(fileURLWithPath: rows)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        guard values.count >= 10_000 * features else {
            throw ValidationError("\(rows) holds \(values.count / features) rows; 10,000 are needed")
        }
        if let reference {
            // A fast wrong answer is no answer: agree with XGBoost first.
            let expected = try Data(contentsOf: URL(fileURLWithPath: reference)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let checked = min(expected.count, values.count / features)
            let predicted = try values.withUnsafeBufferPointer { all in
                try forest.predictions(rows: UnsafeBufferPointer(rebasing: all[0..<(checked * features)]))
            }
            let worst = zip(predicted, expected).map { abs($0 - $1) }.max() ?? 0
            guard worst <= 1e-5 else {
                throw ValidationError("predictions differ from \(reference) by up to \(worst) (limit 1e-5)")
            }
            Console.line("predictions of \(checked) rows agree with \(reference) to \(String(format: "%.1e", worst))")
        }
        func time(rows count: Int, repeats: Int, contributions: Bool = false) throws -> Double {
            var samples: [Double] = []
            for round in 0..<(rounds * repeats) {
                let first = (round * count) % (10_000 - count + 1)
                try values.withUnsafeBufferPointer { all in
                    let slice = UnsafeBufferPointer(rebasing: all[(first * features)..<((first + count) * features)])
                    let start = DispatchTime.now().uptimeNanoseconds
                    if contributions {
                        blackHole(try forest.contributions(rows: slice).count)
                    } else {
                        blackHole(try forest.predictions(rows: slice).count)
                    }
                    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
                }
            }
            return samples.sorted()[samples.count / 2]
        }
        _ = try time(rows: 200, repeats: 2)  // warm-up
        let report = Report(
            predict1Us: try time(rows: 1, repeats: 200), predict200Us: try time(rows: 200, repeats: 40),
            predict10000Us: try time(rows: 10_000, repeats: 2), contribs20Us: try time(rows: 20, repeats: 2, contributions: true))
        Console.line("model: \(forest.trees.count) trees, depth ≤ \(forest.trees.map(\.depth).max() ?? 0), \(features) features, 1 thread")
        Console.line("| call | Lineup, median per call |")
        Console.line("|---|---|")
        Console.line("| predict 1 row | \(String(format: "%.1f", report.predict1Us)) µs |")
        Console.line("| predict 200 rows | \(String(format: "%.1f", report.predict200Us)) µs |")
        Console.line("| predict 10,000 rows | \(String(format: "%.2f", report.predict10000Us / 1_000)) ms |")
        Console.line("| TreeSHAP 20 rows | \(String(format: "%.2f", report.contribs20Us / 1_000)) ms |")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never)
func blackHole(_ value: Int) {
    if value == Int.min { print(value) }
}
