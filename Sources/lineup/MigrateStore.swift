import ArgumentParser
import Foundation
import LineupCore
import LineupEngine
import LineupModels
import LineupPostgres
import LineupSQLite
import LineupStore
import Synchronization

/// Copies a SQLite store into PostgreSQL, so a service that grew out of one process can run
/// as replicas without losing its history.
struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy a SQLite store into PostgreSQL: catalog, users, events, impressions, layouts, experiments, models.",
        discussion: """
            Every step is idempotent (items and users are upserted, events and impressions keyed by their ids), so \
            an interrupted copy resumes by running the same command again. Ends by comparing the row counts of \
            every table; exits non-zero when they differ. Copy into a new database, with no replica serving it.
            """
    )

    @Option(help: "The store to copy: sqlite:PATH.")
    var from: String

    @Option(
        help: "The PostgreSQL database: postgres://user@host:port/database (the password from PGPASSWORD or LINEUP_DATABASE_URL, never here). Default: the configured database_url."
    )
    var to: String?

    @OptionGroup var options: SettingsOptions

    /// Rows per write on the target.
    static let batch = 1_000

    func run() async throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw ValidationError("--from must be sqlite:PATH")
        }
        let path = String(from.dropFirst("sqlite:".count))
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no SQLite store at \(path)") }
        let settings = try options.settings(extra: [("database_url", to)])
        guard let target = try settings.postgres() else {
            throw ValidationError("name the PostgreSQL database: --to postgres://user@host:port/database, or database_url")
        }
        let source = try SQLiteStore(configuration: .init(path: path))
        let store: PostgresStore
        do {
            store = try await PostgresStore(configuration: target)
        } catch {
            throw ValidationError("\(error)")
        }
        defer { store.close() }
        Console.line("migrate-store: \(path) → \(target.redacted)")
        let started = Date()
        try await copyCatalog(from: source, to: store)
        try await copyEvents(from: source, to: store)
        try await copyImpressions(from: source, to: store)
        try await copyLayoutsAndExperiments(from: source, to: store)
        try await copyModels(settings, to: store)
        let source_ = try await source.rowCounts()
        let copied = try await store.rowCounts(SQLiteStore.countedTables)
        var differ: [String] = []
        Console.line("\("table".padding(toLength: 22, withPad: " ", startingAt: 0)) \("sqlite".leftPadded(12)) \("postgres".leftPadded(12))")
        for table in SQLiteStore.countedTables {
            let (a, b) = (source_[table] ?? 0, copied[table] ?? 0)
            Console.line("\(table.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(a).leftPadded(12)) \(String(b).leftPadded(12))\(a == b ? "" : "  ← differs")")
            if a != b { differ.append(table) }
        }
        guard differ.isEmpty else {
            throw ValidationError(
                "the copy differs in \(differ.joined(separator: ", ")): was the target empty, and no replica serving it? Run again to resume.")
        }
        Console.line(String(format: "migrate-store: done in %.1f s; every table's rows match", Date().timeIntervalSince(started)))
    }

    private func copyCatalog(from source: SQLiteStore, to store: PostgresStore) async throws {
        let items = try await copyPages(read: { try await source.items(after: $0, limit: Self.batch) }, id: \.id) {
            _ = try await store.upsertItems($0)
        }
        let users = try await copyPages(read: { try await source.users(after: $0, limit: Self.batch) }, id: \.id) {
            _ = try await store.upsertUsers($0)
        }
        Console.line("  items: \(items), users: \(users)")
    }

    /// Reads pages of rows in id order and writes each; returns how many rows there were.
    private func copyPages<Row>(
        read: (String?) async throws -> [Row], id: (Row) -> String, write: ([Row]) async throws -> Void
    ) async throws -> Int {
        var afterId: String?
        var count = 0
        while true {
            let page = try await read(afterId)
            if !page.isEmpty { try await write(page) }
            count += page.count
            guard page.count == Self.batch, let last = page.last else { return count }
            afterId = id(last)
        }
    }

    /// In the source's log order, so the copy's sequences keep it.
    private func copyEvents(from source: SQLiteStore, to store: PostgresStore) async throws {
        let total = try await source.statistics().events
        var after: Int64 = 0
        var read = 0
        var stored = 0
        var reported = Date()
        while true {
            let page = try await source.events(after: after, limit: 5 * Self.batch)
            guard let last = page.last else { break }
            stored += try await store.insertEvents(page.map(\.event)).inserted.count
            read += page.count
            after = last.sequence
            if Date().timeIntervalSince(reported) > 2 {
                Console.line("  events: \(read) of \(total)")
                reported = Date()
            }
        }
        Console.line("  events: \(read) read, \(stored) new in the target")
    }

    /// A day of the log at a time: impressions with their feature vectors, then the rewards
    /// their layout decisions were settled with.
    private func copyImpressions(from source: SQLiteStore, to store: PostgresStore) async throws {
        guard let span = try await source.impressionSpan() else { return Console.line("  impressions: none") }
        var day = span.lowerBound
        var copied = 0
        var rewards = 0
        let labels = LabelPolicy()
        while day <= span.upperBound {
            let query = ImpressionQuery(from: day, to: day.addingTimeInterval(86_400))
            let impressions = Collected<Impression>()
            try await source.scanImpressions(query, labels: labels, features: true) { impressions.append($0.impression) }
            let logged = impressions.values
            for start in stride(from: 0, to: logged.count, by: Self.batch) {
                try await store.insertImpressions(Array(logged[start..<min(start + Self.batch, logged.count)]))
            }
            let decisions = Collected<LayoutDecision>()
            try await source.scanLayoutDecisions(query) { if $0.reward != nil { decisions.append($0) } }
            let settled = decisions.values
            try await store.importRewards(settled)
            copied += logged.count
            rewards += settled.count
            Console.line("  impressions: \(copied), settled layout decisions: \(rewards) (to \(RFC3339.string(query.to!)))")
            day = day.addingTimeInterval(86_400)
        }
    }

    private func copyLayoutsAndExperiments(from source: SQLiteStore, to store: PostgresStore) async throws {
        let surfaces = try await source.surfaceLayouts()
        for layouts in surfaces { try await store.saveSurfaceLayouts(layouts) }
        let evidence = try await source.armEvidence()
        try await store.importEvidence(evidence)
        let experiments = try await source.experiments()
        for experiment in experiments { try await store.saveExperiment(experiment) }
        Console.line("  surfaces: \(surfaces.count), evidence rows: \(evidence.count), experiments: \(experiments.count)")
    }

    /// The models directory the settings name: every model the database lacks, and the
    /// active model when the database has none yet.
    private func copyModels(_ settings: Settings, to store: PostgresStore) async throws {
        let registry = ModelRegistry(directory: settings.modelsDirectory, schema: OnlineFeatures.schema)
        let files = registry.scan()
        let url = URL(fileURLWithPath: settings.modelsDirectory)
        var added = 0
        for entry in files {
            let model = StoredModel(
                version: entry.version, model: try Data(contentsOf: url.appendingPathComponent("\(entry.version).json")),
                card: try? Data(contentsOf: url.appendingPathComponent("\(entry.version).card.json")))
            if try await store.addModel(model) { added += 1 }
        }
        if try await store.activeModel() == nil, let active = settings.activeVersion, files.contains(where: { $0.version == active }) {
            try await store.setActiveModel(active)
        }
        Console.line("  models: \(added) added from \(settings.modelsDirectory) (\(files.count) there)")
    }
}

/// Values a synchronous scan callback hands out, gathered for the async writes after it.
private final class Collected<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])

    var values: [Value] { storage.withLock { $0 } }

    func append(_ value: Value) { storage.withLock { $0.append(value) } }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
