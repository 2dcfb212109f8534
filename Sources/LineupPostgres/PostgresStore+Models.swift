import Foundation
import LineupStore
import NIOCore
import PostgresNIO

extension PostgresStore: ModelStore {
    public func modelRevisions() async throws -> [String: Int64] {
        var revisions: [String: Int64] = [:]
        for row in try await query("SELECT version, revision FROM models") {
            let (version, revision) = try row.decode((String, Int64).self)
            revisions[version] = revision
        }
        return revisions
    }

    public func model(version: String) async throws -> StoredModel? {
        guard let row = try await query("SELECT model, card, revision FROM models WHERE version = \(version)").first else {
            return nil
        }
        let (model, card, revision) = try row.decode((ByteBuffer, ByteBuffer?, Int64).self)
        return StoredModel(version: version, model: Data(buffer: model), card: card.map { Data(buffer: $0) }, revision: revision)
    }

    public func addModel(_ model: StoredModel) async throws -> Bool {
        try await transaction { connection in try await self.add(model, on: connection) }
    }

    public func saveCard(version: String, card: Data) async throws -> Bool {
        try await transaction { connection in
            let updated = try await connection.query(
                """
                UPDATE models SET card = \(ByteBuffer(data: card)), revision = revision + 1 WHERE version = \(version)
                RETURNING version
                """, logger: self.logger
            ).collect().count > 0
            if updated { try await Self.recordChange(.model, keys: [version], on: connection, logger: self.logger) }
            return updated
        }
    }

    public func activeModel() async throws -> String? {
        try await query("SELECT active FROM model_state WHERE id = 1").first?.decode(String?.self) ?? nil
    }

    public func setActiveModel(_ version: String?) async throws {
        try await transaction { connection in
            try await connection.query("UPDATE model_state SET active = \(version) WHERE id = 1", logger: self.logger)
            try await Self.recordChange(.model, keys: [""], on: connection, logger: self.logger)
        }
    }

    public func seedModels(_ models: [StoredModel], active: String?) async throws -> Bool {
        try await transaction { connection in
            let seeded = try await connection.query(
                "SELECT seeded FROM model_state WHERE id = 1 FOR UPDATE", logger: self.logger
            ).collect().first?.decode(Bool.self) ?? true
            guard !seeded else { return false }
            for model in models { _ = try await self.add(model, on: connection) }
            try await connection.query(
                "UPDATE model_state SET active = \(active), seeded = TRUE WHERE id = 1", logger: self.logger)
            try await Self.recordChange(.model, keys: [""], on: connection, logger: self.logger)
            return true
        }
    }

    private func add(_ model: StoredModel, on connection: PostgresConnection) async throws -> Bool {
        let added = try await connection.query(
            """
            INSERT INTO models (version, model, card, revision, created_at)
            VALUES (\(model.version), \(ByteBuffer(data: model.model)), \(model.card.map { ByteBuffer(data: $0) }), 1,
                \(Date().timeIntervalSince1970))
            ON CONFLICT (version) DO NOTHING
            RETURNING version
            """, logger: logger
        ).collect().count > 0
        if added { try await Self.recordChange(.model, keys: [model.version], on: connection, logger: logger) }
        return added
    }
}
