import Foundation
import LineupCore
import LineupRanking

extension Engine {
    /// Reads every model of the models directory (each `<version>.json` beside an optional
    /// `<version>.card.json`); files that cannot serve are kept as rejected, with the reason.
    @discardableResult
    public func scanModels() -> [ModelEntry] {
        guard let directory = configuration.modelsDirectory else { return [] }
        let url = URL(fileURLWithPath: directory)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let entries = files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".card.json") }.sorted().map { file in
            let version = String(file.dropLast(".json".count))
            let status: ModelEntry.Status
            do {
                let forest = try Forest(contentsOf: url.appendingPathComponent(file))
                status = .ready(try RankingModel(version: version, forest: forest))
            } catch let error as EngineError {
                if case .modelRejected(_, let reason) = error { status = .rejected(reason) } else { status = .rejected("\(error)") }
            } catch {
                status = .rejected("\(error)")
            }
            let data = try? Data(contentsOf: url.appendingPathComponent("\(version).card.json"))
            let card = data.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            return ModelEntry(version: version, status: status, card: card, trainedCard: data.flatMap { try? ModelCard(json: $0) })
        }
        catalogue.withLock { $0 = entries }
        return entries
    }

    /// The models last scanned, and the version serving (nil: the fallback order).
    public func models() -> (active: String?, entries: [ModelEntry]) {
        (activeModel?.version, catalogue.withLock { $0 })
    }

    /// Activates `version` after scanning the directory again; nil returns to the fallback
    /// order. Unknown versions and models that cannot serve are refused, changing nothing.
    public func activate(version: String?) throws {
        guard let version else {
            activate(nil)
            return
        }
        try checked { () throws(ValidationError) in try Identifier.validate(version, field: "version") }
        guard let entry = scanModels().first(where: { $0.version == version }) else {
            throw EngineError.notFound(kind: "model", id: version)
        }
        switch entry.status {
        case .ready(let model): activate(model)
        case .rejected(let reason): throw EngineError.modelRejected(version: version, reason: reason)
        }
    }

    /// At start: scans the directory and activates the configured model when it can serve;
    /// otherwise says why and serves the fallback order.
    public func loadModels() {
        let entries = scanModels()
        for entry in entries {
            if case .rejected(let reason) = entry.status {
                logger.warning("model cannot serve", metadata: ["version": "\(entry.version)", "reason": "\(reason)"])
            }
        }
        guard let wanted = configuration.activeModel else { return }
        guard let entry = entries.first(where: { $0.version == wanted }) else {
            logger.warning(
                "configured model not found; serving the fallback order",
                metadata: ["version": "\(wanted)", "directory": "\(configuration.modelsDirectory ?? "none")"])
            return
        }
        if case .ready(let model) = entry.status { activate(model) }
    }
}
