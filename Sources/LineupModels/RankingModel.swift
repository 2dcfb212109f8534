import LineupCore
import LineupRanking

/// A forest that may serve: it reads exactly the features of the schema the engine computes.
public struct RankingModel: Sendable {
    /// The name it is listed and activated by (its file name without `.json`).
    public var version: String
    public var forest: Forest

    /// Checks the model reads exactly the features of `schema`, by name and order; a model
    /// without names is accepted only when its width matches.
    public init(version: String, forest: Forest, schema: FeatureSchema) throws(ModelError) {
        if let names = forest.featureNames {
            if let mismatch = schema.mismatch(with: names) {
                throw .rejected(version: version, reason: "its features differ from schema v\(schema.version): \(mismatch)")
            }
        } else if forest.featureCount != schema.count {
            throw .rejected(
                version: version,
                reason: "it reads \(forest.featureCount) unnamed features; schema v\(schema.version) has \(schema.count)")
        }
        self.version = version
        self.forest = forest
    }
}
