import LineupCore

/// User profiles, and the erasure and export that privacy law asks for.
public protocol UserStore: Sendable {
    /// Inserts or replaces a profile, keeping the original `createdAt` on replace.
    func upsertUser(_ user: User) async throws -> Upserted<User>

    /// Inserts or replaces many profiles in one transaction: all of them or none.
    func upsertUsers(_ users: [User]) async throws -> BatchCounts

    func user(id: String) async throws -> User?

    /// Profiles in id order, strictly after `afterId` when given.
    func users(after afterId: String?, limit: Int) async throws -> [User]

    /// Deletes the profile and every record about the user in one transaction.
    func eraseUser(id: String) async throws -> UserErasure

    /// The profile and every event of the user, oldest first.
    func exportUser(id: String) async throws -> UserExport
}
