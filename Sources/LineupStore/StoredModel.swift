import Foundation

/// A ranking model as a store keeps it: the XGBoost JSON and its card, byte for byte what
/// a models directory holds in `<version>.json` and `<version>.card.json`.
public struct StoredModel: Sendable, Hashable {
    public var version: String
    public var model: Data
    public var card: Data?
    /// Changes whenever the model's bytes or card do: what a replica compares to know it
    /// holds the current copy.
    public var revision: Int64

    public init(version: String, model: Data, card: Data?, revision: Int64 = 0) {
        self.version = version
        self.model = model
        self.card = card
        self.revision = revision
    }
}
