import Foundation
import LineupCore
import LineupRanking
import Logging
import Synchronization

/// The models directory and the model serving from it: what the request path scores with
/// and what offline training writes into, shared by both.
///
/// Models are files: `<version>.json` (XGBoost JSON) beside an optional `<version>.card.json`.
/// `scan()` reads the directory; activation swaps the serving model under a lock held only
/// for the swap, so requests in flight finish with the one they started with. Files are
/// written beside their target and renamed, so a reader never sees half a file.
public final class ModelRegistry: Sendable {
    /// nil: no directory, no models (the fallback order serves).
    public let directory: String?
    /// The features a model must read.
    public let schema: FeatureSchema
    private let logger: Logger
    private let serving = Mutex<RankingModel?>(nil)
    /// The directory as last scanned.
    private let scanned = Mutex<[ModelEntry]>([])

    public init(directory: String?, schema: FeatureSchema, logger: Logger = Logger(label: "lineup.models")) {
        self.directory = directory
        self.schema = schema
        self.logger = logger
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
    public func activate(version: String?) throws(ModelError) {
        guard let version else {
            activate(nil)
            return
        }
        activate(try ready(version, rescan: true))
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
    public func checkVersionFree(_ version: String) throws(ModelError) {
        guard let directory else { return }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("\(version).json").path
        guard !FileManager.default.fileExists(atPath: path) else { throw .versionTaken(version: version) }
    }

    /// Writes a new model and its card, then rescans so it is listed and can be activated.
    public func register(version: String, model: Data, card: ModelCard) throws {
        guard let directory else { throw ModelError.noDirectory }
        try checkVersionFree(version)
        let url = URL(fileURLWithPath: directory)
        try Self.write(model, to: url.appendingPathComponent("\(version).json"))
        try Self.write(card.json(), to: url.appendingPathComponent("\(version).card.json"))
        scan()
    }

    /// Rewrites a model's card (the demo loop adds what serving it did).
    public func writeCard(_ card: ModelCard) throws {
        guard let directory else { throw ModelError.noDirectory }
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
