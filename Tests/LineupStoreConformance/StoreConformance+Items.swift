import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let itemChecks: [Check] = [
        Check("items: an upsert creates, then replaces keeping the original createdAt", upsertKeepsItemCreation),
        Check("items: a batch upsert counts the items it created and the ones it replaced", itemBatchCounts),
        Check("items: item(id:) reads back every field; unknown ids read nil", itemRoundTrip),
        Check("items: deleteItem reports true, then false", deleteItem),
        Check("items: items(after:limit:) pages in id order", itemsPageInIdOrder),
    ]

    /// A client that resends a widget with new fields must not make it look new: the
    /// catalog's creation time feeds freshness and is the store's to keep.
    static func upsertKeepsItemCreation(_ store: any Store) async throws {
        let t0 = Sample.t0
        let first = try await store.upsertItem(Sample.item("w1", at: t0))
        #expect(first.created)
        #expect(first.value == Sample.item("w1", at: t0))
        let replacement = Sample.item("w1", title: "Monthly revenue", at: t0.addingTimeInterval(60))
        let second = try await store.upsertItem(replacement)
        #expect(!second.created)
        let stored = try #require(try await store.item(id: "w1"))
        #expect(stored.title == "Monthly revenue")
        #expect(stored.createdAt == t0)
        #expect(stored.updatedAt == t0.addingTimeInterval(60))
        #expect(stored.embedding == [1, 0, 0.5])
        #expect(stored.attributes == ["owner": .string("finance")])
        var expected = replacement
        expected.createdAt = t0
        #expect(stored == expected)
        #expect(second.value == expected, "the upsert returns what it stored")
    }

    static func itemBatchCounts(_ store: any Store) async throws {
        let t0 = Sample.t0
        let first = try await store.upsertItems([Sample.item("a", at: t0), Sample.item("b", at: t0)])
        let second = try await store.upsertItems([
            Sample.item("b", title: "Renamed", at: t0.addingTimeInterval(5)), Sample.item("c", at: t0.addingTimeInterval(5)),
        ])
        #expect(first == BatchCounts(inserted: 2, existing: 0))
        #expect(second == BatchCounts(inserted: 1, existing: 1))
        let b = try #require(try await store.item(id: "b"))
        #expect(b.title == "Renamed" && b.createdAt == t0, "a batch replace keeps createdAt too")
        #expect(try await store.upsertItems([]) == BatchCounts(inserted: 0, existing: 0))
    }

    static func itemRoundTrip(_ store: any Store) async throws {
        let full = Item(
            id: "w-full", title: "Churn by region", description: "Monthly churn, per sales region", type: "map",
            tags: ["churn", "regions", "b-before-a"], embedding: [0.25, -1, 3.5, 0],
            attributes: [
                "owner": .string("growth"), "refresh": .number(15.5), "public": .bool(false), "none": .null,
                "layout": .object(["w": .number(4), "h": .number(3), "tabs": .array([.string("a"), .number(-2)])]),
            ],
            active: false, createdAt: Sample.time(1.5), updatedAt: Sample.time(2.25))
        let bare = Item(id: "w-bare", title: "Text", type: "text", createdAt: Sample.time(0), updatedAt: Sample.time(0))
        _ = try await store.upsertItem(full)
        _ = try await store.upsertItem(bare)
        #expect(try await store.item(id: "w-full") == full)
        #expect(try await store.item(id: "w-bare") == bare, "no embedding stays nil, not empty")
        #expect(try await store.item(id: "w-missing") == nil)
    }

    static func deleteItem(_ store: any Store) async throws {
        _ = try await store.upsertItems([Sample.item("a"), Sample.item("b")])
        #expect(try await store.deleteItem(id: "a"))
        #expect(try await store.item(id: "a") == nil)
        #expect(!(try await store.deleteItem(id: "a")), "a second delete finds nothing")
        #expect(!(try await store.deleteItem(id: "never")))
        #expect(try await store.items(after: nil, limit: 10).map(\.id) == ["b"])
    }

    static func itemsPageInIdOrder(_ store: any Store) async throws {
        _ = try await store.upsertItems(["c", "a", "e", "b", "d"].map { Sample.item($0) })
        let first = try await store.items(after: nil, limit: 2).map(\.id)
        let second = try await store.items(after: "b", limit: 2).map(\.id)
        let last = try await store.items(after: "d", limit: 2).map(\.id)
        #expect(first == ["a", "b"])
        #expect(second == ["c", "d"])
        #expect(last == ["e"])
        #expect(try await store.items(after: "e", limit: 2).isEmpty)
        #expect(try await store.items(after: "bb", limit: 10).map(\.id) == ["c", "d", "e"], "after need not be an id")

        // Walking the pages visits every item once, in id order, whatever the insertion order.
        var rng = SeededGenerator(seed: 7)
        let ids = (0..<57).map { "item-\(String($0, radix: 7))" }.shuffled(using: &rng)
        _ = try await store.upsertItems(ids.map { Sample.item($0) })
        var walked: [String] = []
        var cursor: String?
        while true {
            let page = try await store.items(after: cursor, limit: 10)
            walked += page.map(\.id)
            guard page.count == 10, let last = page.last else { break }
            cursor = last.id
        }
        #expect(walked == (ids + ["a", "b", "c", "d", "e"]).sorted())
    }
}
