import ArgumentParser
import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupModels
import LineupRanking
import LineupTraining

/// Trains boosted trees and writes them as XGBoost JSON with a model card: by default from
/// the impression log into the models directory, where `PUT /v1/models/active` finds them;
/// with --data from LIBSVM files, as XGBoost and LightGBM read them.
struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a ranking model from the impression log (or LIBSVM files); write XGBoost JSON and a model card.",
        discussion: """
            From the log: every logged response with features and an engaged widget is a query \
            group, labelled as `lineup eval` labels it; responses before --split-at train, the \
            rest validate (default: the last --validation-share of the window). The model and \
            its card go to <models_directory>/<version>.json and <version>.card.json, listed by \
            GET /v1/models; activate it with PUT /v1/models/active. Defaults: rank:ndcg, up to \
            200 rounds, depth 6, eta 0.1, early stopping after 20 rounds without a better \
            validation NDCG@5.

            From files: --data (LIBSVM: label, then 0-based index:value pairs; absent features \
            are missing) with --group for rank:ndcg, optionally --valid and --valid-group; \
            writes --out and its card beside it. Defaults are XGBoost's: 100 rounds, depth 6, \
            eta 0.3.

            Prints a progress line every --report-every rounds: round, elapsed time, training \
            and validation metric.
            """
    )

    @OptionGroup var options: SettingsOptions
    @OptionGroup var trainer: TrainerOptions

    @Option(help: "Start of the log window, inclusive: 2026-11-01 or 2026-11-01T08:00:00Z (default: the first response).")
    var from: String?

    @Option(help: "End of the log window, exclusive, same forms (default: after the last response).")
    var to: String?

    @Option(help: "Responses from this time on validate, same forms.")
    var splitAt: String?

    @Option(help: "Without --split-at: the share of the window's time span, at its end, that validates.")
    var validationShare = 0.2

    @Option(help: "Version to register (default: lineup-<UTC time>).")
    var version: String?

    @Option(help: "Training rows, LIBSVM (instead of the log).")
    var data: String?

    @Option(help: "Query groups of --data: one size per line, consecutive rows (as XGBoost and LightGBM read them).")
    var group: String?

    @Option(help: "Validation rows, LIBSVM.")
    var valid: String?

    @Option(help: "Query groups of --valid.")
    var validGroup: String?

    @Option(help: "Features per row of --data (default: the feature schema's).")
    var features: Int?

    @Option(help: "With --data: where to write the model (XGBoost JSON); the card goes beside it.")
    var out: String?

    @Option(help: "Also write the model card as a self-contained HTML page (charts inline, no network) to this file.")
    var html: String?

    @Option(help: "Print a progress line every this many rounds.")
    var reportEvery = 10

    func validate() throws {
        guard reportEvery >= 1 else { throw ValidationError("--report-every must be at least 1") }
        if data == nil {
            for (flag, value) in [("--group", group), ("--valid", valid), ("--valid-group", validGroup), ("--out", out)]
            where value != nil {
                throw ValidationError("\(flag) goes with --data; without --data the trainer reads the impression log")
            }
        } else {
            guard out != nil else { throw ValidationError("--data needs --out, the model file to write") }
            for (flag, value) in [("--from", from), ("--to", to), ("--split-at", splitAt), ("--version", version)] where value != nil {
                throw ValidationError("\(flag) picks a window of the impression log; it cannot be used with --data")
            }
            if validGroup != nil, valid == nil { throw ValidationError("--valid-group needs --valid") }
        }
        guard validationShare > 0, validationShare < 1 else { throw ValidationError("--validation-share must be between 0 and 1") }
    }

    func run() async throws {
        if let data, let out {
            try trainFromFiles(data: data, out: out)
        } else {
            try await trainFromLog()
        }
    }

    private func trainFromLog() async throws {
        let settings = try options.settings()
        let runtime = try await Runtime.open(settings: settings, existing: true)
        var specification = TrainingSpecification()
        specification.from = try from.map { try ImpressionFilterOptions.date($0, flag: "--from") }
        specification.to = try to.map { try ImpressionFilterOptions.date($0, flag: "--to") }
        specification.splitAt = try splitAt.map { try ImpressionFilterOptions.date($0, flag: "--split-at") }
        specification.validationShare = validationShare
        specification.version = version
        specification.trainer = try trainer.configuration(base: specification.trainer, ranking: true)
        // The new model is judged against the one that would be serving.
        try await runtime.loadModels(settings)
        let total = specification.trainer.rounds, every = reportEvery
        let objective = specification.trainer.objective, cutoff = specification.trainer.cutoff
        let card: ModelCard
        do {
            card = try await runtime.analysis.train(specification) { round in
                if round.round % every == 0 || round.round == 1 {
                    Console.line(Self.progress(round, of: total, objective: objective, cutoff: cutoff))
                }
            }
        } catch let error as ServiceError {
            throw ValidationError("\(error)")
        } catch let error as ModelError {
            throw ValidationError("\(error)")
        }
        let window = card.data
        Console.line(
            "train: \(window.train.groups) responses (\(window.train.rows) widgets) trained, "
                + "\(window.validation?.groups ?? 0) validated; \(window.skipped.withoutFeatures) without features and "
                + "\(window.skipped.withoutEngagement) without engagement skipped")
        if let best = card.metrics.bestValidation, let metric = card.metrics.validation {
            var line = "train: best round \(card.metrics.bestRound), validation \(metric) \(String(format: "%.4f", best))"
            if let comparison = card.comparison, let active = comparison.activeValidation {
                line += " against \(String(format: "%.4f", active)) for \(comparison.activeVersion ?? "the served fallback order")"
            }
            Console.line(line)
        }
        if let line = Self.examination(card.positionBias) { Console.line(line) }
        Console.line(
            "train: wrote \(settings.modelsDirectory)/\(card.version).json and \(card.version).card.json; "
                + "activate with PUT /v1/models/active {\"version\": \"\(card.version)\"}")
        if let html { try ModelReport(card: card).write(toFile: html) }
    }

    private func trainFromFiles(data: String, out: String) throws {
        let featureCount = features ?? OnlineFeatures.schema.count
        guard featureCount > 0 else { throw ValidationError("--features must be positive") }
        let train = try Self.read(rows: data, groups: group, featureCount: featureCount)
        let validation = try valid.map { try Self.read(rows: $0, groups: validGroup, featureCount: featureCount) }
        var base = Trainer.Configuration()
        base.objective = group != nil ? .rankNDCG : .binaryLogistic
        let configuration = try trainer.configuration(base: base, ranking: group != nil)
        let every = reportEvery
        let result: TrainingResult
        do {
            result = try Trainer(configuration: configuration).train(train, validation: validation) { round in
                if round.round % every == 0 || round.round == 1 {
                    Console.line(
                        Self.progress(round, of: configuration.rounds, objective: configuration.objective, cutoff: configuration.cutoff))
                }
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let card = ModelCard(
            version: URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent, createdAt: Date(),
            configuration: configuration, result: result, features: (0..<featureCount).map { "f\($0)" }, schemaVersion: 0,
            data: ModelCard.DataWindow(
                source: "LIBSVM \(data)" + (valid.map { ", validated on \($0)" } ?? ""), train: ModelCard.SplitCounts(train),
                validation: validation.map(ModelCard.SplitCounts.init)))
        let cardPath = (out.hasSuffix(".json") ? String(out.dropLast(5)) : out) + ".card.json"
        do {
            try result.forest.xgboostJSON().write(to: URL(fileURLWithPath: out))
            try card.json().write(to: URL(fileURLWithPath: cardPath))
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        let seconds = result.rounds.last?.seconds ?? 0
        if let line = Self.examination(card.positionBias) { Console.line(line) }
        Console.line("train: \(result.forest.trees.count) trees in \(String(format: "%.2f", seconds)) s, written to \(out) and \(cardPath)")
        if let html { try ModelReport(card: card).write(toFile: html) }
    }

    /// The estimated examination by position (t⁺) of an unbiased model, first positions first.
    static func examination(_ bias: ModelCard.PositionBias?) -> String? {
        guard let bias, !bias.plus.isEmpty else { return nil }
        let shown = bias.plus.prefix(10).map { String(format: "%.2f", $0) }.joined(separator: " ")
        return "train: corrected for position; examination by position (t+, position 1 = 1): \(shown)"
            + (bias.plus.count > 10 ? " … (\(bias.plus.count) positions in the card)" : "")
    }

    static func progress(_ round: TrainingRound, of total: Int, objective: Objective, cutoff: Int) -> String {
        let metric = objective == .binaryLogistic ? "logloss" : objective == .rankNDCG ? "ndcg@\(cutoff)" : "rmse"
        let validation = objective == .binaryLogistic ? "auc" : metric
        var line = "train: round \(round.round)/\(total), \(String(format: "%.1f", round.seconds)) s, "
            + "training \(metric) \(String(format: "%.5f", round.train))"
        if let score = round.validation { line += ", validation \(validation) \(String(format: "%.5f", score))" }
        return line
    }

    /// A LIBSVM file and its optional group file.
    static func read(rows path: String, groups groupPath: String?, featureCount: Int) throws -> TrainingData {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        let rows: RowFile
        do {
            rows = try RowFile(text: text, format: .libsvm, featureCount: featureCount)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
        let groups: [Int]? = try groupPath.map { groupPath in
            let text: String
            do {
                text = try String(contentsOfFile: groupPath, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(groupPath): \(error.localizedDescription)")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let sizes = lines.compactMap { Int($0) }
            guard sizes.count == lines.count else { throw ValidationError("\(groupPath): one whole number per line") }
            return sizes
        }
        do {
            return try TrainingData(rows: rows.values, labels: rows.labels, groups: groups, featureCount: featureCount)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}
