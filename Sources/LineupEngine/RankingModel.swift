import LineupCore
import LineupRanking

/// A forest that may serve: its features match the schema the engine computes.
public struct RankingModel: Sendable {
    /// The name it is listed and activated by (its file name without `.json`).
    public var version: String
    public var forest: Forest

    /// Checks the model reads exactly the features `OnlineFeatures` writes, by name and
    /// order; a model without names is accepted only when its width matches.
    public init(version: String, forest: Forest) throws(EngineError) {
        let schema = OnlineFeatures.schema
        if let names = forest.featureNames {
            if let mismatch = schema.mismatch(with: names) {
                throw EngineError.modelRejected(version: version, reason: "its features differ from schema v\(schema.version): \(mismatch)")
            }
        } else if forest.featureCount != schema.count {
            throw EngineError.modelRejected(
                version: version,
                reason: "it reads \(forest.featureCount) unnamed features; schema v\(schema.version) has \(schema.count)")
        }
        self.version = version
        self.forest = forest
    }
}
