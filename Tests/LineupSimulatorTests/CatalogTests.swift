import Foundation
import LineupCore
import LineupSimulator
import Testing

@Suite("Catalog")
struct CatalogTests {
    @Test("has the requested number of widgets with unique, valid ids", arguments: [1, 37, 300, 1_500])
    func count(itemCount: Int) throws {
        var configuration = Simulator.Configuration()
        configuration.itemCount = itemCount
        configuration.userCount = 10
        configuration.days = 1
        let simulator = try Simulator(configuration: configuration)
        #expect(simulator.items.count == itemCount)
        #expect(Set(simulator.items.map(\.id)).count == itemCount)
        #expect(Set(simulator.items.map(\.title)).count == itemCount)
        for item in simulator.items {
            try Identifier.validate(item.id, field: "id")
            #expect(item.id.hasPrefix("w-"))
        }
        #expect(!simulator.dashboards.isEmpty)
    }

    @Test("widgets read like a BI tool's")
    func realistic() {
        let simulator = DefaultRun.simulator
        let kinds: Set<String> = ["kpi", "chart", "table", "map", "funnel", "gauge", "heatmap", "text"]
        let start = simulator.window.start
        for item in simulator.items {
            #expect(item.title.count >= 5)
            #expect(item.title.first?.isUppercase == true)
            #expect(item.description.count > 30)
            #expect(kinds.contains(item.type))
            #expect(item.tags.count >= 2)
            #expect(item.createdAt < start && item.updatedAt <= start && item.createdAt <= item.updatedAt)
        }
        #expect(simulator.items.first?.id == "w-0001")
        // The combinatorial vocabulary shows through: metrics split by breakdowns, several kinds.
        #expect(simulator.items.contains { $0.title.contains(" by ") })
        #expect(Set(simulator.items.map(\.type)).count >= 6)
        #expect(Set(simulator.items.compactMap { $0.attributes["domain"] }).count >= 8)
    }

    @Test("every dashboard lists catalog widgets")
    func dashboards() {
        let simulator = DefaultRun.simulator
        let ids = Set(simulator.items.map(\.id))
        #expect(Set(simulator.dashboards.map(\.id)).count == simulator.dashboards.count)
        for dashboard in simulator.dashboards {
            #expect(dashboard.itemIds.count == simulator.configuration.widgetsPerDashboard)
            #expect(dashboard.itemIds.allSatisfy(ids.contains))
            #expect(Set(dashboard.itemIds).count == dashboard.itemIds.count)
        }
    }

    @Test("nonsense configurations are refused with the field named")
    func invalid() {
        func attempt(_ change: (inout Simulator.Configuration) -> Void) -> ValidationError? {
            var configuration = Simulator.Configuration()
            change(&configuration)
            do {
                _ = try Simulator(configuration: configuration)
                return nil
            } catch {
                return error
            }
        }
        #expect(attempt { $0.itemCount = 0 }?.field == "itemCount")
        #expect(attempt { $0.itemCount = Simulator.catalogCapacity + 1 }?.field == "itemCount")
        #expect(attempt { $0.userCount = 0 }?.field == "userCount")
        #expect(attempt { $0.days = -1 }?.field == "days")
        #expect(attempt { $0.widgetsPerSession = 0...4 }?.field == "widgetsPerSession")
        #expect(attempt { $0.examinationDecay = .nan }?.field == "examinationDecay")
        #expect(attempt { $0.weekendActivity = 1.5 }?.field == "weekendActivity")
        #expect(attempt { $0.latentDimension = 1 }?.field == "latentDimension")
    }
}
