import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupSimulator
import Synchronization

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
            session; a shown widget's label is 2 for a pin, an export or a dwell of 30 s or \
            more, 1 for an open, click or drilldown, else 0. Missing feature values are left \
            out of the line, as LIBSVM does.
            """
    )

    @Option(help: "Directory for the files; created when missing.")
    var out: String

    @OptionGroup var world: DemoWorldOptions

    func run() async throws {
        let simulator = try world.simulator()
        let configuration = simulator.configuration
        let days = world.days, trainDays = world.trainDays, seed = world.seed
        let clock = Mutex(configuration.start)
        var engineConfiguration = Engine.Configuration()
        engineConfiguration.maxClockSkew = 86_400
        let engine = Engine(
            configuration: engineConfiguration, store: try SQLiteStore(), now: { clock.withLock { $0 } })
        try await world.load(simulator, into: engine, clock: clock)
        let itemsById = Dictionary(uniqueKeysWithValues: simulator.items.map { ($0.id, $0) })

        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var texts = ["", ""]
        var rows = [0, 0]
        var groups = [0, 0]
        var positives = [0, 0]
        var controls: [String: UserControls] = [:]
        let schema = OnlineFeatures.schema
        let started = Date()
        for day in 0..<days {
            let split = day < trainDays ? 0 : 1
            for session in simulator.sessions(onDay: day) {
                clock.withLock { $0 = session.start }
                let context = ["device": session.device]
                let ranking = try await engine.rank(
                    RankRequest(
                        userId: session.user.id, surface: session.dashboard.id, candidates: session.candidates.map(\.id),
                        k: session.capacity, context: context))
                let shown = ranking.items.compactMap { itemsById[$0.itemId] }
                guard !shown.isEmpty else { continue }
                let vectors = engine.features.vectors(
                    userId: session.user.id, candidates: ranking.items.map { ($0.itemId, $0.retrievalScore) },
                    context: context, at: session.start)
                var userControls = controls[session.user.id] ?? UserControls()
                let events = simulator.simulate(
                    session, shown: shown, requestId: ranking.requestId, controls: &userControls)
                controls[session.user.id] = userControls
                let labels = Self.labels(shown: ranking.items.map(\.itemId), events: events)
                groups[split] += 1
                for (index, label) in labels.enumerated() {
                    var line = "\(label) qid:\(groups[0] + groups[1])"
                    for (feature, value) in vectors[(index * schema.count)..<((index + 1) * schema.count)].enumerated()
                    where !value.isNaN {
                        line += " \(feature):\(value)"
                    }
                    texts[split] += line + "\n"
                    rows[split] += 1
                    if label > 0 { positives[split] += 1 }
                }
                if let last = events.last?.timestamp { clock.withLock { $0 = max($0, last) } }
                for chunk in events.chunked(by: engine.configuration.maxBatchSize) {
                    _ = try await engine.ingest(chunk.map(EventDraft.init))
                }
            }
            if (day + 1) % 7 == 0 || day + 1 == days {
                Console.line(
                    "demo-training: day \(day + 1)/\(days), \(groups[0] + groups[1]) sessions served, "
                        + "\(rows[0] + rows[1]) rows (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
            }
        }
        try texts[0].write(to: directory.appendingPathComponent("train.libsvm"), atomically: true, encoding: .utf8)
        try texts[1].write(to: directory.appendingPathComponent("valid.libsvm"), atomically: true, encoding: .utf8)
        let meta: [String: Any] = [
            "schema_version": schema.version, "features": schema.names, "seed": seed, "items": world.items, "users": world.users,
            "days": days, "train_days": trainDays, "window_start": ISO8601DateFormatter().string(from: configuration.start),
            "served_by": "fallback order (retrieval blended with popularity), no model",
            "train": ["rows": rows[0], "groups": groups[0], "positives": positives[0]],
            "valid": ["rows": rows[1], "groups": groups[1], "positives": positives[1]],
        ]
        try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("meta.json"))
        Console.line("demo-training: wrote \(rows[0]) train rows (\(groups[0]) groups) and \(rows[1]) valid rows (\(groups[1]) groups) to \(out)")
    }

    /// Graded relevance of each shown widget from the session's events.
    static func labels(shown: [String], events: [Event]) -> [Int] {
        var grade: [String: Int] = [:]
        for event in events {
            let value: Int = switch event.type {
            case .pin, .export: 2
            case .dwell: (event.value ?? 0) >= 30 ? 2 : 0
            case .open, .click, .drilldown: 1
            default: 0
            }
            grade[event.itemId] = max(grade[event.itemId] ?? 0, value)
        }
        return shown.map { grade[$0] ?? 0 }
    }
}
