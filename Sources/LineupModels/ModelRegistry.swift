import Foundation
import LineupCore
import LineupRanking
import LineupStore
import Logging
import Synchronization

/// The models directory and the model serving from it: what the request path scores with
/// and what offline training writes into, shared by both.
///
/// Models are files: `<version>.json` (XGBoost JSON) beside an optional `<version>.card.json`.
/// `scan()` reads the directory; activation swaps the serving model under a lock held only
/// for the swap, so requests in flight finish with the one they started with. Files are
/// written beside their target and renamed, so a reader never sees half a file.
///
/// With a `ModelStore` (replicas on one database), the database holds the models and the
/// active version, and `directory` is this process's private copy of them: `sync()` brings
/// it up to date and serves the version the database names, so a model trained or
/// activated on one replica reaches the others.
public final class ModelRegistry: Sendable {
    /// nil: no directory, no models (the fallback order serves).
    public let directory: String?
    /// Where models live when replicas share them; nil: the directory is the truth.
    public let store: (any ModelStore)?
    /// The revision of each version the directory holds a copy of (with a store).
    private let copies = Mutex<[String: Int64]>([:])
    /// The features a model must read.
    public let schema: FeatureSchema
    private let logger: Logger
    private let serving = Mutex<RankingModel?>(nil)
    /// The directory as last scanned.
    private let scanned = Mutex<[ModelEntry]>([])

    public init(directory: String?, schema: FeatureSchema, logger: Logger = Logger(label: "lineup.models")) {
        self.directory = directory
        self.store = nil
        self.schema = schema
        self.logger = logger
    }

    /// Models kept in `store`; this process's copies go to a private directory of its own.
    public init(store: any ModelStore, schema: FeatureSchema, logger: Logger = Logger(label: "lineup.models")) throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-models-\(UUIDv7.make(at: Date()))")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        self.directory = cache.path
        self.store = store
        self.schema = schema
        self.logger = logger
    }

    /// Copies the models of `directory` (and `active`) into a new database, once in its life:
    /// how `models/` seeds the replicas. A no-op without a store or once seeded.
    public func seed(from directory: String, active: String?) async throws {
        guard let store else { return }
        let url = URL(fileURLWithPath: directory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let models = try files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".card.json") }.sorted().map { file in
            let version = String(file.dropLast(".json".count))
            return StoredModel(
                version: version, model: try Data(contentsOf: url.appendingPathComponent(file)),
                card: try? Data(contentsOf: url.appendingPathComponent("\(version).card.json")))
        }
        if try await store.seedModels(models, active: active) {
            logger.info("seeded the database's models", metadata: ["from": "\(directory)", "models": "\(models.count)"])
        }
    }

    /// Brings this process's copies up to date with the store and serves the version it
    /// names (the fallback order when it cannot serve here, with a warning). A no-op
    /// without a store.
    public func sync() async throws {
        guard let store, let directory else { return }
        let revisions = try await store.modelRevisions()
        let held = copies.withLock { $0 }
        let url = URL(fileURLWithPath: directory)
        for (version, revision) in revisions where held[version] != revision {
            guard let model = try await store.model(version: version) else { continue }
            try Self.write(model.model, to: url.appendingPathComponent("\(version).json"))
            if let card = model.card { try Self.write(card, to: url.appendingPathComponent("\(version).card.json")) }
            copies.withLock { $0[version] = model.revision }
        }
        for version in held.keys where revisions[version] == nil {
            try? FileManager.default.removeItem(at: url.appendingPathComponent("\(version).json"))
            try? FileManager.default.removeItem(at: url.appendingPathComponent("\(version).card.json"))
            _ = copies.withLock { $0.removeValue(forKey: version) }
        }
        let entries = scan()
        let wanted = try await store.activeModel()
        guard wanted != active?.version else { return }
        guard let wanted else { return activate(nil) }
        switch entries.first(where: { $0.version == wanted })?.status {
        case .ready(let model): activate(model)
        case .rejected(let reason):
            logger.warning("the database's active model cannot serve here; keeping the current one",
                           metadata: ["version": "\(wanted)", "reason": "\(reason)"])
        case nil:
            logger.warning("the database's active model is not among its models", metadata: ["version": "\(wanted)"])
        }
    }

    /// The model that scores stage 2, or nil for the fallback order.
    public var active: RankingModel? { serving.withLock { $0 } }

    /// The models last scanned.
    public var entries: [ModelEntry] { scanned.withLock { $0 } }

    /// Reads every model of the directory; files that cannot serve are kept as rejected,
    /// with the reason.
    @discardableResult
    public func scan() -> [ModelEntry] {
        guard let directory else { return [] }
        let url = URL(fileURLWithPath: directory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let entries = files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".card.json") }.sorted().map { file in
            let version = String(file.dropLast(".json".count))
            let status: ModelEntry.Status
            do {
                let forest = try Forest(contentsOf: url.appendingPathComponent(file))
                status = .ready(try RankingModel(version: version, forest: forest, schema: schema))
            } catch let error as ModelError {
                if case .rejected(_, let reason) = error { status = .rejected(reason) } else { status = .rejected("\(error)") }
            } catch {
                status = .rejected("\(error)")
            }
            let data = try? Data(contentsOf: url.appendingPathComponent("\(version).card.json"))
            let card = data.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            return ModelEntry(version: version, status: status, card: card, trainedCard: data.flatMap { try? ModelCard(json: $0) })
        }
        scanned.withLock { $0 = entries }
        return entries
    }

    /// Swaps the serving model (nil returns to the fallback order).
    public func activate(_ next: RankingModel?) {
        serving.withLock { $0 = next }
        logger.info("active model", metadata: ["version": "\(next?.version ?? "none (fallback order)")"])
    }

    /// Activates `version` after scanning the directory again; nil returns to the fallback
    /// order. Unknown versions and models that cannot serve are refused, changing nothing.
    /// With a store, the choice is written there first, so every replica serves it.
    public func activate(version: String?) async throws {
        try await sync()
        let model = try version.map { version throws(ModelError) in try ready(version, rescan: true) }
        try await store?.setActiveModel(version)
        activate(model)
    }

    /// A model of the directory that can serve, by version (a variant's override, a replay).
    /// Looks in the last scan first, then scans again.
    public func model(version: String) throws(ModelError) -> RankingModel {
        try ready(version, rescan: !entries.contains { $0.version == version })
    }

    private func ready(_ version: String, rescan: Bool) throws(ModelError) -> RankingModel {
        let entries = rescan ? scan() : self.entries
        guard let entry = entries.first(where: { $0.version == version }) else { throw .notFound(version: version) }
        switch entry.status {
        case .ready(let model): return model
        case .rejected(let reason): throw .rejected(version: version, reason: reason)
        }
    }

    /// At start: scans the directory and activates `version` when it can serve; otherwise
    /// says why and leaves the fallback order serving.
    public func load(activating version: String?) {
        let entries = scan()
        for entry in entries {
            if case .rejected(let reason) = entry.status {
                logger.warning("model cannot serve", metadata: ["version": "\(entry.version)", "reason": "\(reason)"])
            }
        }
        guard let version else { return }
        guard let entry = entries.first(where: { $0.version == version }) else {
            logger.warning(
                "configured model not found; serving the fallback order",
                metadata: ["version": "\(version)", "directory": "\(directory ?? "none")"])
            return
        }
        if case .ready(let model) = entry.status { activate(model) }
    }

    /// Refuses a version whose model file exists: a trained model never overwrites another.
    public func checkVersionFree(_ version: String) async throws {
        if let store, try await store.modelRevisions()[version] != nil { throw ModelError.versionTaken(version: version) }
        guard let directory else { return }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(version).json").path
        guard !FileManager.default.fileExists(atPath: path) else { throw ModelError.versionTaken(version: version) }
    }

    /// Writes a new model and its card, then rescans so it is listed and can be activated.
    /// With a store, the store takes it first (and refuses a version it holds).
    public func register(version: String, model: Data, card: ModelCard) async throws {
        guard let directory else { throw ModelError.noDirectory }
        try await checkVersionFree(version)
        if let store {
            guard try await store.addModel(StoredModel(version: version, model: model, card: try card.json())) else {
                throw ModelError.versionTaken(version: version)
            }
            copies.withLock { $0[version] = 1 }
        }
        let url = URL(fileURLWithPath: directory)
        try Self.write(model, to: url.appendingPathComponent("\(version).json"))
        try Self.write(card.json(), to: url.appendingPathComponent("\(version).card.json"))
        scan()
    }

    /// Rewrites a model's card (the demo loop adds what serving it did).
    public func writeCard(_ card: ModelCard) async throws {
        guard let directory else { throw ModelError.noDirectory }
        if let store { _ = try await store.saveCard(version: card.version, card: try card.json()) }
        try Self.write(card.json(), to: URL(fileURLWithPath: directory).appendingPathComponent("\(card.version).card.json"))
        scan()
    }

    /// `lineup-<UTC time>`, e.g. `lineup-20261122-140502`: the version of a model trained
    /// without one.
    public static func defaultVersion(at time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "lineup-\(formatter.string(from: time))"
    }

    /// Writes beside the target and renames, so a reader never sees half a file.
    static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
