import Foundation
import LineupCore
import LineupEngine
import LineupModels
import LineupRanking
import LineupSQLite
import Testing

@Suite struct RankTests {
    /// 2027-01-15 08:00:00 UTC, a Friday.
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let schema = OnlineFeatures.schema

    /// Five widgets along two directions; user `u` (analyst, Paris) opened `b` a day ago
    /// and viewed `c` an hour ago; `v` opted out of personalisation.
    func world() async throws -> Engine {
        let fixed = now
        let engine = Engine(configuration: .init(embeddingDimension: 3), store: try SQLiteStore(), now: { fixed })
        _ = try await engine.importItems([
            ItemDraft(id: "a", title: "Revenue", type: "kpi", tags: ["finance"], embedding: [1, 0, 0]),
            ItemDraft(id: "b", title: "Revenue by region", type: "chart", tags: ["finance", "geo"], embedding: [0.9, 0.1, 0]),
            ItemDraft(id: "c", title: "Churn", type: "chart", tags: ["retention"], embedding: [0, 1, 0]),
            ItemDraft(id: "d", title: "Churn by cohort", type: "table", embedding: [0.1, 0.9, 0]),
            ItemDraft(id: "e", title: "Uptime", type: "kpi", embedding: [0, 0, 1]),
        ])
        _ = try await engine.putUser(id: "u", UserDraft(role: "analyst", timezone: "Europe/Paris"))
        _ = try await engine.putUser(id: "v", UserDraft(role: "analyst", personalization: false))
        _ = try await engine.ingest([
            event("1", "u", "b", .open, hoursAgo: 24),
            event("2", "u", "c", .view, hoursAgo: 1),
            event("3", "v", "e", .click, hoursAgo: 2),
            event("4", "v", "e", .click, hoursAgo: 3),
        ])
        return engine
    }

    func event(_ id: String, _ user: String, _ item: String, _ type: EventType, hoursAgo: Double) -> EventDraft {
        EventDraft(eventId: id, userId: user, itemId: item, type: type, timestamp: now.addingTimeInterval(-hoursAgo * 3_600))
    }

    func value(_ row: [Float], _ name: String) -> Float {
        row[schema.index(of: name)!]
    }

    @Test func featuresFollowTheirDefinitions() async throws {
        let engine = try await world()
        let rows = engine.features.vectors(
            userId: "u", candidates: [("b", 0.7), ("e", 0.1)], context: ["device": "tablet"], at: now)
        let b = Array(rows[0..<schema.count])
        let e = Array(rows[schema.count...])
        #expect(value(b, "retrieval_score") == 0.7)
        #expect(abs(value(b, "user_opens_1d") - 0.5) < 1e-6, "one open a day ago, half-life one day")
        #expect(abs(value(b, "user_opens_7d") - Float(pow(2, -1.0 / 7))) < 1e-6)
        #expect(value(b, "user_views_30d") == 0)
        #expect(abs(value(b, "hours_since_engaged") - 24) < 1e-4)
        #expect(value(e, "hours_since_engaged").isNaN, "never engaged")
        #expect(value(b, "pinned") == 0)
        #expect(value(b, "user_type_affinity") == 1, "all of u's engagement weight is on charts")
        #expect(value(e, "user_type_affinity") == 0)
        #expect(value(b, "hour_of_day") == 9, "08:00 UTC is 09:00 in Paris")
        #expect(value(b, "day_of_week") == 4, "a Friday")
        #expect(value(b, "device_class") == 1)
        #expect(value(b, "widget_age_days") == 0)
        #expect(value(b, "item_engagement_rate") == 0.2, "(1 open + 1) / (0 views + 10)")
        #expect(schema.count == rows.count / 2)
    }

    @Test func withoutAModelTheFallbackServesAndControlsHold() async throws {
        let engine = try await world()
        _ = try await engine.ingest([event("5", "u", "e", .pin, hoursAgo: 0.5), event("6", "u", "a", .hide, hoursAgo: 0.4)])
        let ranking = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 4))
        #expect(ranking.ranker == .fallback)
        #expect(ranking.modelVersion == nil)
        #expect(ranking.items.map(\.itemId).first == "e", "a pinned widget comes first")
        #expect(ranking.items.first?.pinned == true)
        #expect(!ranking.items.map(\.itemId).contains("a"), "a hidden widget never appears")
        #expect(ranking.items.map(\.position) == [1, 2, 3, 4])
        #expect(ranking.items.count == 4)
        let again = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 4))
        #expect(again.requestId != ranking.requestId)
        #expect(ranking.requestId.count == 36 && ranking.requestId.split(separator: "-")[2].hasPrefix("7"), "UUIDv7")
    }

    @Test func candidatesRestrictTheAnswer() async throws {
        let engine = try await world()
        let ranking = try await engine.rank(RankRequest(userId: "u", surface: "home", candidates: ["c", "d", "zz"], k: 5))
        #expect(Set(ranking.items.map(\.itemId)) == ["c", "d"])
    }

    @Test func anOptedOutUserGetsPopularity() async throws {
        let engine = try await world()
        let ranking = try await engine.rank(RankRequest(userId: "v", surface: "home", k: 2))
        #expect(ranking.ranker == .popularity)
        #expect(ranking.items.first?.itemId == "e")
    }

    /// A one-split model on `user_opens_7d`: widgets the user opened score 0.9, others 0.1.
    func openedModel() throws -> RankingModel {
        let feature = Int32(schema.index(of: "user_opens_7d")!)
        let tree = Tree(
            left: [1, -1, -1], right: [2, -1, -1], feature: [feature, 0, 0], threshold: [0.5, -2, 2],
            defaultLeft: [true, false, false], cover: [10, 8, 2])
        let forest = try Forest(
            objective: .binaryLogistic, featureCount: schema.count, featureNames: schema.names, baseScore: 0.5, trees: [tree])
        return try RankingModel(version: "opened-v1", forest: forest, schema: schema)
    }

    @Test func anActiveModelReordersAndExplains() async throws {
        let engine = try await world()
        engine.models.activate(try openedModel())
        let ranking = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3, explain: true))
        #expect(ranking.ranker == .twoStage)
        #expect(ranking.modelVersion == "opened-v1")
        let first = try #require(ranking.items.first)
        #expect(first.itemId == "b")
        #expect(abs(first.score - 1 / (1 + exp(-2))) < 1e-6)
        #expect(first.contributions?.first?.feature == "user_opens_7d")
        #expect(first.reason == "Because you opened this yesterday")
        #expect(ranking.items[1].reason == "Because you opened Revenue by region yesterday", "a is nearest to b")
        engine.models.activate(nil)
        #expect(try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3)).ranker == .fallback)
    }

    /// Experiments and the demo loop ask for a ranker; without a model, two-stage falls back.
    @Test func aRequestedRankerServes() async throws {
        let engine = try await world()
        engine.models.activate(try openedModel())
        let fallback = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3, ranker: .fallback))
        #expect(fallback.ranker == .fallback && fallback.modelVersion == nil)
        let popularity = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3, ranker: .popularity))
        #expect(popularity.ranker == .popularity)
        #expect(try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3, ranker: .twoStage)).ranker == .twoStage)
        engine.models.activate(nil)
        #expect(try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3, ranker: .twoStage)).ranker == .fallback)
    }

    @Test func aModelOnOtherFeaturesIsRefusedWithTheDifferences() throws {
        var names = schema.names
        names[0] = "cosine"
        names.swapAt(1, 2)
        let forest = try Forest(
            objective: .binaryLogistic, featureCount: schema.count, featureNames: names, baseScore: 0.5, trees: [])
        #expect {
            _ = try RankingModel(version: "old", forest: forest, schema: schema)
        } throws: { error in
            guard case .rejected(let version, let reason)? = error as? ModelError else { return false }
            return version == "old" && reason.contains("retrieval_score") && reason.contains("cosine")
        }
    }

    @Test func badRequestsNameTheirField() async throws {
        let engine = try await world()
        func field(_ request: RankRequest) async -> String? {
            do {
                _ = try await engine.rank(request)
                return nil
            } catch ServiceError.invalid(let error) {
                return error.field
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(await field(RankRequest(userId: "", surface: "home")) == "user_id")
        #expect(await field(RankRequest(userId: "u", surface: "")) == "surface")
        #expect(await field(RankRequest(userId: "u", surface: "home", k: 0)) == "k")
        #expect(await field(RankRequest(userId: "u", surface: "home", candidates: ["a", ""])) == "candidates[1]")
    }

    /// Swapping models while requests run fails none of them: each is served whole by the
    /// model (or fallback) it started with.
    @Test func swappingModelsUnderLoadFailsNoRequest() async throws {
        let engine = try await world()
        let model = try openedModel()
        try await withThrowingTaskGroup(of: Ranking.Ranker.self) { group in
            group.addTask {
                for round in 0..<200 { engine.models.activate(round % 2 == 0 ? model : nil) }
                return .fallback
            }
            for number in 0..<400 {
                group.addTask {
                    try await engine.rank(RankRequest(userId: number % 2 == 0 ? "u" : "v", surface: "home", k: 3)).ranker
                }
            }
            var served = 0
            for try await ranker in group where [.twoStage, .fallback, .popularity].contains(ranker) { served += 1 }
            #expect(served == 401)
        }
    }
}
