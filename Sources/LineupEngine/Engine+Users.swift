import Foundation
import LineupCore
import LineupStore

extension Engine {
    /// Creates or replaces the profile `id`. A body id, when given, must match.
    public func putUser(id: String, _ draft: UserDraft) async throws -> Upserted<User> {
        try ServiceError.checked { () throws(ValidationError) in
            try Identifier.validate(id, field: "userId")
            if let bodyId = draft.id, bodyId != id {
                throw ValidationError(field: "id", reason: "'\(bodyId)' differs from the path's user id '\(id)'")
            }
            try validator.validate(draft)
        }
        let result = try await store.upsertUser(makeUser(id: id, draft, at: now()))
        userVectors.setRole(result.value.role, for: id)
        features.setUser(result.value)
        return result
    }

    private func makeUser(id: String, _ draft: UserDraft, at time: Date) -> User {
        User(
            id: id, role: draft.role, team: draft.team, timezone: draft.timezone ?? "UTC",
            attributes: draft.attributes, personalization: draft.personalization, createdAt: time, updatedAt: time)
    }

    /// Creates or replaces many profiles in one transaction, or none if one is invalid.
    public func importUsers(_ drafts: [UserDraft]) async throws -> BatchCounts {
        try ServiceError.checked { () throws(ValidationError) in
            try validator.validate(batchSize: drafts.count, field: "users")
            for (index, draft) in drafts.enumerated() {
                let path = "users[\(index)]."
                guard let id = draft.id else { throw ValidationError(field: path + "id", reason: "is required") }
                try Identifier.validate(id, field: path + "id")
                try validator.validate(draft, path: path)
            }
        }
        let time = now()
        let users = drafts.map { makeUser(id: $0.id ?? "", $0, at: time) }
        let counts = try await store.upsertUsers(users)
        for user in users {
            userVectors.setRole(user.role, for: user.id)
            features.setUser(user)
        }
        return counts
    }

    public func user(id: String) async throws -> User {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(id, field: "userId") }
        guard let user = try await store.user(id: id) else { throw ServiceError.notFound(kind: "user", id: id) }
        return user
    }

    /// Erases every record about the user (right to be forgotten).
    public func eraseUser(id: String) async throws -> UserErasure {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(id, field: "userId") }
        // Responses still buffered for the log would otherwise land after the erasure.
        await impressions.flush()
        let erasure = try await store.eraseUser(id: id)
        userVectors.forget(userId: id)
        features.forget(userId: id)
        if erasure.isEmpty { throw ServiceError.notFound(kind: "user", id: id) }
        logger.info(
            "erased user", metadata: ["events": "\(erasure.eventsDeleted)", "impressions": "\(erasure.impressionsDeleted)"])
        return erasure
    }

    public func exportUser(id: String) async throws -> UserExport {
        try ServiceError.checked { () throws(ValidationError) in try Identifier.validate(id, field: "userId") }
        await impressions.flush()
        let export = try await store.exportUser(id: id)
        if export.isEmpty { throw ServiceError.notFound(kind: "user", id: id) }
        return export
    }
}
