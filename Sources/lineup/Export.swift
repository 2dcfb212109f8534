import ArgumentParser
import Foundation
import LineupEngine
import LineupStore
import Synchronization

/// The impression log joined with its labels, one line per shown widget, for pandas,
/// DuckDB or Spark. Streams: memory stays constant whatever the window.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the impression log with labels as JSON lines or CSV, one line per shown widget.",
        discussion: """
            Columns: request_id, time, user_id, surface, experiment, variant, ranker, model_version, \
            layout_arm, layout_propensity, item_id, position, score, retrieval_score, pinned, label, \
            negative, and the feature vector (JSON: `features`, an array with null for missing; CSV: one \
            column per feature of the current schema, named f_<feature>, empty for missing). Labels follow the label \
            settings (label_grades, label_window_minutes, label_min_dwell_seconds). \
            `lineup eval --input FILE.jsonl` reads the JSON lines back.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var options: SettingsOptions
    @OptionGroup var filter: ImpressionFilterOptions

    @Option(help: "jsonl or csv.")
    var format: Format = .jsonl

    @Option(help: "Write here instead of standard output.")
    var out: String?

    func run() async throws {
        let settings = try options.settings()
        let query = try filter.query()
        let store = try await Runtime.open(settings: settings, existing: true).store
        let output: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil) else {
                throw ValidationError("cannot create \(out)")
            }
            output = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        } else {
            output = FileHandle.standardOutput
        }
        let writer = Mutex(ExportWriter(format: format == .csv ? .csv : .jsonl, names: OnlineFeatures.schema.names, output: output))
        writer.withLock { $0.header() }
        try await store.scanImpressions(query, labels: settings.labels, features: true) { labeled in
            writer.withLock { $0.write(labeled) }
        }
        let lines = writer.withLock { writer in
            writer.finish()
            return writer.lines
        }
        if out != nil {
            try output.close()
            Console.line("export: \(lines) lines to \(out!)")
        }
    }
}
