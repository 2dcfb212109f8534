import Foundation

/// Models kept in the database, so replicas share them without a shared disk: the files of
/// a models directory, and which version serves.
public protocol ModelStore: Sendable {
    /// Every version with its revision, without the bytes: what a replica compares with the
    /// copies it holds.
    func modelRevisions() async throws -> [String: Int64]

    func model(version: String) async throws -> StoredModel?

    /// Adds a model; false (and nothing written) when the version exists: a trained model
    /// never overwrites another.
    func addModel(_ model: StoredModel) async throws -> Bool

    /// Replaces a model's card; false when there is no such version.
    func saveCard(version: String, card: Data) async throws -> Bool

    /// The version every replica serves; nil for the fallback order.
    func activeModel() async throws -> String?

    func setActiveModel(_ version: String?) async throws

    /// Copies `models` in and sets `active`, once in the life of the database: replicas that
    /// start together seed it once. Returns whether this call did.
    func seedModels(_ models: [StoredModel], active: String?) async throws -> Bool
}
