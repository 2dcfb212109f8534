import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupStore
import Testing

@Suite struct EngineTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func engine() throws -> Engine {
        let fixed = now
        return Engine(configuration: .init(embeddingDimension: 3), store: try SQLiteStore(), now: { fixed })
    }

    func invalidField(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch ServiceError.invalid(let error) {
            return error.field
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func itemRules() async throws {
        let engine = try engine()
        #expect(await invalidField { _ = try await engine.putItem(id: "", ItemDraft(title: "T", type: "kpi")) } == "itemId")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "  ", type: "kpi")) } == "title")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "T", type: "kpi", tags: ["a", ""])) } == "tags[1]")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "T", type: "kpi", embedding: [0, 0, 0])) } == "embedding")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "T", type: "kpi", embedding: [1, .nan, 0])) } == "embedding[1]")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "T\u{7}", type: "kpi")) } == "title")
        #expect(await invalidField { _ = try await engine.putItem(id: "w", ItemDraft(title: "T", type: "kpi", embedding: [1, 2, 3])) } == nil)
    }

    @Test func duplicateIdsInABatchAreRefused() async throws {
        let engine = try engine()
        let drafts = [ItemDraft(id: "a", title: "A", type: "kpi"), ItemDraft(id: "a", title: "A again", type: "kpi")]
        #expect(await invalidField { _ = try await engine.importItems(drafts) } == "items[1].id")
        #expect(try await engine.store.item(id: "a") == nil)
    }

    @Test func eventClockSkewIsBounded() async throws {
        let engine = try engine()
        let near = EventDraft(eventId: "e1", userId: "u", itemId: "w", type: .view, timestamp: now.addingTimeInterval(299))
        let far = EventDraft(eventId: "e2", userId: "u", itemId: "w", type: .view, timestamp: now.addingTimeInterval(301))
        #expect(await invalidField { _ = try await engine.ingest([near, far]) } == "events[1].timestamp")
        #expect(try await engine.ingest([near]) == BatchCounts(inserted: 1, existing: 0))
        #expect(await invalidField { _ = try await engine.ingest([EventDraft(eventId: "e3", userId: "u", itemId: "w", type: .dwell, value: .infinity, timestamp: now)]) } == "events[0].value")
    }

    @Test func unknownThingsAreNotFound() async throws {
        let engine = try engine()
        await #expect(throws: ServiceError.notFound(kind: "item", id: "nope")) { try await engine.item(id: "nope") }
        await #expect(throws: ServiceError.notFound(kind: "user", id: "nope")) { try await engine.eraseUser(id: "nope") }
    }
}
