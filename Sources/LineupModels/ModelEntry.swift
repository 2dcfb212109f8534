import LineupCore

/// One model file of the models directory, as `GET /v1/models` lists it.
public struct ModelEntry: Sendable {
    public enum Status: Sendable {
        case ready(RankingModel)
        /// Why it cannot serve.
        case rejected(String)
    }

    public var version: String
    public var status: Status
    /// `<version>.card.json`, when present and readable.
    public var card: JSONValue?
    /// The same card, when Lineup's trainer wrote it: its metrics are listed with the model.
    public var trainedCard: ModelCard?
}
