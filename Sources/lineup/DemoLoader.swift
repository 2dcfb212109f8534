import Foundation
import LineupCore
import LineupEngine
import LineupSimulator
import LineupStore

/// Fills a store with the demo world through the engine, so the demo data passes the same
/// validation as client data. Prints progress: a default world is a few hundred thousand events.
struct DemoLoader {
    let engine: Engine
    var seed: UInt64 = 42
    var items = 300
    var users = 2_000
    var days = 28
    /// The window ends now, so the history looks recent to everything that decays with time.
    var end = Date()

    /// The surface of the demo dashboard: every widget, for one person.
    static let home = "home"

    func load() async throws {
        var configuration = Simulator.Configuration()
        configuration.seed = seed
        configuration.itemCount = items
        configuration.userCount = users
        configuration.days = days
        let whole = (end.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        configuration.start = Date(timeIntervalSince1970: whole - Double(days) * 86_400)
        let started = Date()
        let simulator: Simulator
        do {
            simulator = try Simulator(configuration: configuration)
        } catch {
            throw DemoError(description: "cannot build the demo world: \(error)")
        }

        let catalog = try await engine.importItems(simulator.items.map(ItemDraft.init))
        Console.line("demo: \(catalog.inserted + catalog.existing) widgets")
        var profiles = 0
        for chunk in simulator.users.chunked(by: engine.configuration.maxBatchSize) {
            let counts = try await engine.importUsers(chunk.map(UserDraft.init))
            profiles += counts.inserted + counts.existing
        }
        Console.line("demo: \(profiles) users")
        // Every dashboard offers the demo's layouts, and so does `home`, the whole catalog
        // for one person (what the demo dashboard at /demo shows); the bandit learns which
        // suits whom.
        let layouts = LayoutTaste.layouts.map { LayoutDraft(id: $0.id, name: $0.name, params: $0.params) }
        let surfaces = [Self.home] + simulator.dashboards.map(\.id)
        for surface in surfaces { _ = try await engine.putLayouts(surface: surface, layouts) }
        Console.line("demo: layouts \(layouts.map(\.id).joined(separator: ", ")) on \(surfaces.count) surfaces")

        var stored = 0
        var duplicates = 0
        for day in simulator.days() {
            for chunk in day.events.chunked(by: engine.configuration.maxBatchSize) {
                let counts = try await engine.ingest(chunk.map(EventDraft.init))
                stored += counts.inserted
                duplicates += counts.existing
            }
            let done = day.index + 1
            if done % 7 == 0 || done == days {
                Console.line("demo: day \(done)/\(days), \(stored) events stored" + (duplicates > 0 ? " (\(duplicates) already there)" : ""))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        Console.line("demo: done in \(String(format: "%.1f", seconds)) s, seed \(seed)")
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
}

extension ItemDraft {
    init(_ item: Item) {
        self.init(
            id: item.id, title: item.title, description: item.description, type: item.type, tags: item.tags,
            embedding: item.embedding, attributes: item.attributes, active: item.active)
    }
}

extension UserDraft {
    init(_ user: User) {
        self.init(
            id: user.id, role: user.role, team: user.team, timezone: user.timezone, attributes: user.attributes,
            personalization: user.personalization)
    }
}

extension Array {
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
