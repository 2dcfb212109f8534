import ArgumentParser
import Foundation
import LineupRanking

/// Scores rows with a model, printing what XGBoost's `predict` would: the check that a
/// model scores in Lineup exactly as where it was trained.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score rows with an XGBoost JSON model, one output line per row.",
        discussion: """
            Rows are comma-separated floats (an empty cell is a missing value), or LIBSVM lines \
            (label index:value ..., 0-based indices) with --format libsvm. Prints the prediction \
            (a probability for logistic objectives), the raw margin with --margin, or with \
            --contribs the TreeSHAP contributions of every feature and the bias last, as XGBoost's \
            pred_contribs=True.
            """
    )

    @Option(help: "The model file (XGBoost JSON, Booster.save_model).")
    var model: String

    @Option(help: "The rows to score; - reads standard input.")
    var input: String

    @Option(help: "csv or libsvm; by default libsvm for a .libsvm or .svm file, else csv.")
    var format: RowFile.Format?

    @Flag(help: "Print raw margins instead of predictions.")
    var margin = false

    @Flag(help: "Print TreeSHAP contributions (one per feature, then the bias).")
    var contribs = false

    @Option(help: "Also write the model as Lineup writes XGBoost JSON (what `lineup train` will write) to this file.")
    var writeModel: String?

    func validate() throws {
        if margin && contribs { throw ValidationError("--margin and --contribs exclude each other") }
    }

    func run() throws {
        let forest = try Forest(contentsOf: URL(fileURLWithPath: model))
        if let writeModel {
            do {
                try forest.xgboostJSON().write(to: URL(fileURLWithPath: writeModel))
            } catch {
                throw ValidationError("--write-model \(writeModel) cannot be written: \(error.localizedDescription)")
            }
        }
        let text: String
        if input == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do {
                text = try String(contentsOfFile: input, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(input): \(error.localizedDescription)")
            }
        }
        let chosen = format ?? (input.hasSuffix(".libsvm") || input.hasSuffix(".svm") ? .libsvm : .csv)
        let rows: RowFile
        do {
            rows = try RowFile(text: text, format: chosen, featureCount: forest.featureCount)
        } catch {
            throw ValidationError("\(input): \(error)")
        }
        var output = ""
        try rows.values.withUnsafeBufferPointer { values in
            if contribs {
                for row in try forest.contributions(rows: values) {
                    output += row.map(Self.format).joined(separator: ",") + "\n"
                }
            } else {
                let scores = margin ? try forest.margins(rows: values) : try forest.predictions(rows: values)
                for score in scores { output += Self.format(score) + "\n" }
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// Shortest text that reads back as the same Float32.
    static func format(_ value: Float) -> String {
        "\(value)"
    }
}

extension RowFile.Format: ExpressibleByArgument {}
