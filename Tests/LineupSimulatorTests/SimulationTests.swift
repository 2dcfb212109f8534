import Foundation
import LineupCore
import LineupSimulator
import Testing

@Suite("Default run")
struct SimulationTests {
    @Test("produces a few hundred thousand events, one batch per day")
    func size() {
        #expect(DefaultRun.days.count == 28)
        #expect(DefaultRun.days.map(\.index) == Array(0..<28))
        let count = DefaultRun.days.reduce(0) { $0 + $1.events.count }
        #expect((200_000...500_000).contains(count), "\(count) events")
    }

    @Test("event ids are unique across the whole run and valid")
    func uniqueIds() throws {
        let events = DefaultRun.events
        #expect(Set(events.map(\.eventId)).count == events.count)
        for event in events.prefix(5_000) {
            try Identifier.validate(event.eventId, field: "eventId")
        }
    }

    @Test("timestamps fall inside their day and the window, sorted within each day")
    func timestamps() {
        let window = DefaultRun.simulator.window
        for day in DefaultRun.days {
            #expect(day.interval.start >= window.start && day.interval.end <= window.end)
            let inside = day.events.allSatisfy { $0.timestamp >= day.interval.start && $0.timestamp < day.interval.end }
            #expect(inside, "day \(day.index)")
            #expect(zip(day.events, day.events.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
            #expect(day.events.allSatisfy { $0.receivedAt == $0.timestamp && $0.requestId == nil })
        }
    }

    @Test("every event type occurs, with the fields the store expects")
    func eventTypes() {
        let events = DefaultRun.events
        let types = Set(events.map(\.type))
        for type in EventType.allCases {
            #expect(types.contains(type), "no \(type.rawValue) event")
        }
        let users = Set(DefaultRun.simulator.users.map(\.id))
        let items = Set(DefaultRun.simulator.items.map(\.id))
        let devices: Set<String> = ["desktop", "mobile", "tablet"]
        for event in events.prefix(20_000) {
            #expect(users.contains(event.userId) && items.contains(event.itemId))
            #expect(event.sessionId != nil)
            #expect(devices.contains(event.context["device"] ?? ""))
            #expect((event.type == .dwell) == (event.value != nil))
        }
        #expect(events.filter { $0.type == .dwell }.allSatisfy { ($0.value ?? 0) > 0 })
    }

    @Test("weekends are quieter than weekdays")
    func weekends() {
        // The default window starts on a Monday: days 5, 6, 12, 13, … are weekends.
        let sessions = DefaultRun.days.map { Double($0.sessions.count) }
        let weekend: [Double] = sessions.enumerated().filter { $0.offset % 7 >= 5 }.map(\.element)
        let weekday: [Double] = sessions.enumerated().filter { $0.offset % 7 < 5 }.map(\.element)
        let weekendMean: Double = weekend.reduce(0, +) / Double(weekend.count)
        let weekdayMean: Double = weekday.reduce(0, +) / Double(weekday.count)
        #expect(weekendMean < 0.5 * weekdayMean)
    }

    @Test("a run of zero days is empty")
    func empty() throws {
        var configuration = Simulator.Configuration()
        configuration.days = 0
        configuration.userCount = 5
        let simulator = try Simulator(configuration: configuration)
        #expect(Array(simulator.days()).isEmpty)
        #expect(simulator.sessions(onDay: 0).isEmpty)
    }
}
