import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupSimulator

/// Training data from the demo world, made the way production makes it: every simulated
/// session is ranked by Lineup (fallback order, no model), the shown widgets' feature
/// vectors are recorded as served, the simulated user reacts, and the reactions become the
/// labels and feed the online features for the sessions after. For other libraries
/// (`benchmarks/rank/size_model.py` trains XGBoost on it); Lineup's own loop is
/// `lineup demo-loop`, which trains from the impression log.
struct DemoTraining: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-training",
        abstract: "Write ranking training data (LIBSVM with qid) from served demo sessions.",
        discussion: """
            Writes DIR/train.libsvm (the first --train-days days), DIR/valid.libsvm (the rest) \
            and DIR/meta.json (feature schema, window, counts). One group (qid) per served \
            session; a shown widget's label is the one `lineup train` reads from the log (the \
            default label policy: 2 for a pin, an export or a dwell of 30 s or more, 1 for an \
            open, click or drilldown within 30 minutes, 0 when hidden or passed over). Missing \
            feature values are left out of the line, as LIBSVM does.
            """
    )

    @Option(help: "Directory for the files; created when missing.")
    var out: String

    @OptionGroup var world: DemoWorldOptions

    func run() async throws {
        let simulator = try world.simulator()
        let configuration = simulator.configuration
        let days = world.days, trainDays = world.trainDays, seed = world.seed
        let clock = DemoClock(configuration.start)
        var engineConfiguration = Engine.Configuration()
        engineConfiguration.maxClockSkew = 86_400
        let engine = Engine(configuration: engineConfiguration, store: try SQLiteStore(), now: { clock.now })
        try await world.load(simulator, into: engine, clock: clock)
        let labels = LabelPolicy()

        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var texts = ["", ""]
        var rows = [0, 0]
        var groups = [0, 0]
        var positives = [0, 0]
        let schema = OnlineFeatures.schema
        let started = Date()
        var serving = DemoServing(simulator: simulator, engine: engine, clock: clock)
        try await serving.serve(
            days: 0..<days,
            progress: { day in
                Console.line(
                    "demo-training: day \(day + 1)/\(days), \(groups[0] + groups[1]) sessions served, "
                        + "\(rows[0] + rows[1]) rows (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
            }
        ) { served in
            let split = served.session.day < trainDays ? 0 : 1
            let ranking = served.ranking
            // The features as served: the session's events are not ingested yet.
            let vectors = engine.features.vectors(
                userId: served.session.user.id, candidates: ranking.items.map { ($0.itemId, $0.retrievalScore) },
                context: ["device": served.session.device], at: served.session.start)
            groups[split] += 1
            for (index, item) in ranking.items.enumerated() {
                // The label `lineup train` and `lineup eval` give the widget in the log.
                let label = labels.label(of: item.itemId, servedAt: served.session.start, events: served.events).grade
                var line = "\(label) qid:\(groups[0] + groups[1])"
                for (feature, value) in vectors[(index * schema.count)..<((index + 1) * schema.count)].enumerated()
                where !value.isNaN {
                    line += " \(feature):\(value)"
                }
                texts[split] += line + "\n"
                rows[split] += 1
                if label > 0 { positives[split] += 1 }
            }
        }
        try texts[0].write(to: directory.appendingPathComponent("train.libsvm"), atomically: true, encoding: .utf8)
        try texts[1].write(to: directory.appendingPathComponent("valid.libsvm"), atomically: true, encoding: .utf8)
        let meta: [String: Any] = [
            "schema_version": schema.version, "features": schema.names, "seed": seed, "items": world.items, "users": world.users,
            "days": days, "train_days": trainDays, "window_start": RFC3339.string(configuration.start),
            "served_by": "fallback order (retrieval blended with popularity), no model",
            "train": ["rows": rows[0], "groups": groups[0], "positives": positives[0]],
            "valid": ["rows": rows[1], "groups": groups[1], "positives": positives[1]],
        ]
        try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("meta.json"))
        Console.line("demo-training: wrote \(rows[0]) train rows (\(groups[0]) groups) and \(rows[1]) valid rows (\(groups[1]) groups) to \(out)")
    }
}
