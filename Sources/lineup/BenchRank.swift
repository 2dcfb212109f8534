import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupModels
import LineupRanking
import LineupRetrieval
import LineupSQLite
import LineupServer
import LineupStore

/// `Engine.rank` end to end in process: retrieval over the catalog, features, the model,
/// user controls, on a synthetic catalog and history, one request at a time.
struct BenchRank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Time Engine.rank end to end (retrieval, features, model) on a synthetic catalog."
    )

    @Option(help: "The model (XGBoost JSON over feature schema v1), e.g. models/default.json.")
    var model: String

    @Option(help: "Widgets in the catalog.")
    var items = 10_000

    @Option(help: "Embedding dimension.")
    var dimension = 64

    @Option(help: "Users with history.")
    var users = 1_000

    @Option(help: "Events of history, spread over the users and the last 30 days.")
    var events = 100_000

    @Option(help: "Rank requests timed (after 200 warm-up requests).")
    var requests = 5_000

    @Option(help: "Widgets returned per request.")
    var k = 10

    @Option(help: "A SQLite file for the store and the impression log (default: in memory). Deleted first.")
    var database: String?

    @Flag(help: "Discard the impression log's writes: the baseline that shows what logging costs.")
    var discardImpressions = false

    @Option(help: "Layouts on the surface: every response also gets the bandit's layout (0: no bandit).")
    var layouts = 0

    func run() async throws {
        BLASLibrary.useOneThreadPerCall()
        let forest = try Forest(contentsOf: URL(fileURLWithPath: model))
        let now = Date()
        var configuration = Engine.Configuration(embeddingDimension: dimension)
        configuration.batching.window = .zero
        let store: SQLiteStore
        if let database {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            store = try SQLiteStore(configuration: .init(path: database))
        } else {
            store = try SQLiteStore()
        }
        let models = ModelRegistry(directory: nil, schema: OnlineFeatures.schema)
        models.activate(try RankingModel(version: "bench", forest: forest, schema: OnlineFeatures.schema))
        let engine = Engine(
            configuration: configuration, store: store, models: models,
            impressionStore: discardImpressions ? DiscardedImpressions() : nil, now: { now })
        // The impression log is written as `serve` writes it: every flush interval, off the
        // request path, by the same service.
        let flusher = PeriodicService("impression log flusher", every: configuration.impressionLog.flushInterval) {
            await engine.impressions.flush()
        }
        let flushing = Task { try await flusher.run() }

        var rng = SeededGenerator(seed: 7)
        let types = ["kpi", "chart", "table", "map"]
        let drafts = (0..<items).map { index in
            ItemDraft(
                id: String(format: "w%06d", index), title: "Widget \(index)", type: types[index % types.count],
                tags: ["t\(index % 17)", "t\(index % 5)"],
                embedding: (0..<dimension).map { _ in Float(rng.nextGaussian()) })
        }
        for chunk in drafts.chunked(by: configuration.maxBatchSize) { _ = try await engine.importItems(Array(chunk)) }
        let roles = ["analyst", "manager", "engineer"]
        _ = try await engine.importUsers(
            (0..<users).map { UserDraft(id: String(format: "u%05d", $0), role: roles[$0 % roles.count], timezone: "Europe/Paris") })
        let kinds: [EventType] = [.view, .view, .view, .open, .click, .drilldown, .export, .dwell, .pin]
        let history = (0..<events).map { index in
            EventDraft(
                eventId: "e\(index)", userId: String(format: "u%05d", Int(rng.next() % UInt64(users))),
                itemId: String(format: "w%06d", Int(rng.next() % UInt64(items))), type: kinds[Int(rng.next() % UInt64(kinds.count))],
                value: 40, timestamp: now.addingTimeInterval(-Double(rng.next() % 2_592_000)))
        }
        for chunk in history.chunked(by: configuration.maxBatchSize) { _ = try await engine.ingest(Array(chunk)) }
        if layouts > 0 {
            _ = try await engine.putLayouts(
                surface: "home", (0..<layouts).map { LayoutDraft(id: "layout-\($0)", name: "Layout \($0)") })
        }
        Console.line("rank bench: \(items) × \(dimension) catalog, \(users) users, \(events) events, model \(forest.trees.count) trees, "
            + "retrieval K \(configuration.retrievalK), k \(k), BLAS \(BLASLibrary.name), "
            + (layouts > 0 ? "layout bandit over \(layouts) layouts, " : "no layout bandit, ") + "1 request at a time")

        var latencies: [Double] = []
        for number in 0..<(requests + 200) {
            let request = RankRequest(
                userId: String(format: "u%05d", number % users), surface: "home", k: k, context: ["device": "desktop"])
            let start = DispatchTime.now().uptimeNanoseconds
            let ranking = try await engine.rank(request)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            precondition(ranking.ranker == .twoStage && !ranking.items.isEmpty && (ranking.layout != nil) == (layouts > 0))
            if number >= 200 { latencies.append(elapsed) }
        }
        latencies.sort()
        func percentile(_ p: Double) -> String {
            String(format: "%.3f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
        }
        Console.line("rank latency over \(requests) requests: p50 \(percentile(0.5)) ms, p90 \(percentile(0.9)) ms, "
            + "p99 \(percentile(0.99)) ms, max \(String(format: "%.3f", latencies.last ?? 0)) ms, impressions "
            + (discardImpressions ? "discarded" : "logged to \(database ?? "memory")"))
        flushing.cancel()
        _ = try? await flushing.value
        await engine.impressions.flush()
    }
}

