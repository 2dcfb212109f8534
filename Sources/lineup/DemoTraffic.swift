import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LineupCore
import LineupSimulator

/// Live traffic from the demo world against a running server, through its HTTP API: each
/// simulated session asks `POST /v1/rank` for its dashboard, and the simulated user's
/// reactions to the order served go back to `POST /v1/events` with the response's
/// `request_id`. The server logs every response, and the events label them: what
/// `lineup eval` then reads.
struct DemoTraffic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-traffic",
        abstract: "Send simulated dashboard sessions to a running server and post the users' reactions back.",
        discussion: """
            Uses the sessions the demo world plans for the days after its history (same --seed, \
            --items and --users as `lineup demo` or `serve --demo`). Events are stamped with the \
            time they are sent, so they fall inside the label window of the response they answer.
            """
    )

    @Option(help: "The server's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "A client token, when the server requires one (default: $LINEUP_CLIENT_TOKEN).")
    var token: String?

    @Option(help: "Sessions to send.")
    var sessions = 500

    @Option(help: "Seed of the demo world.")
    var seed: UInt64 = 42

    @Option(help: "Widgets in the demo world.")
    var items = 300

    @Option(help: "Users in the demo world.")
    var users = 2_000

    @Option(help: "Days of history the demo world was loaded with; sessions come from the days after.")
    var historyDays = 28

    func validate() throws {
        guard sessions > 0, items > 0, users > 0, historyDays > 0 else {
            throw ValidationError("--sessions, --items, --users and --history-days must be positive")
        }
        guard URL(string: url)?.host != nil else { throw ValidationError("--url must be a URL such as http://127.0.0.1:8080") }
    }

    func run() async throws {
        var configuration = Simulator.Configuration()
        configuration.seed = seed
        configuration.itemCount = items
        configuration.userCount = users
        configuration.days = historyDays + 60
        let simulator = try Simulator(configuration: configuration)
        let itemsById = Dictionary(uniqueKeysWithValues: simulator.items.map { ($0.id, $0) })
        let client = Client(base: URL(string: url)!, token: token ?? ProcessInfo.processInfo.environment["LINEUP_CLIENT_TOKEN"])
        var controls: [String: UserControls] = [:]
        var sent = 0, events = 0, engaged = 0
        let started = Date()
        var day = historyDays
        while sent < sessions && day < configuration.days {
            for session in simulator.sessions(onDay: day) where sent < sessions {
                let ranking = try await client.rank(
                    user: session.user.id, surface: session.dashboard.id, candidates: session.candidates.map(\.id),
                    k: session.capacity, device: session.device)
                let shown = ranking.items.compactMap { itemsById[$0.itemId] }
                var userControls = controls[session.user.id] ?? UserControls()
                // The planned session's reactions, under ids of this response: sending the same
                // sessions again is new traffic, not duplicates.
                let reactions = simulator.simulate(
                    session, shown: shown, requestId: ranking.requestId, layout: ranking.layout?.arm, controls: &userControls
                ).enumerated().map { index, event in
                    var event = event
                    event.eventId = "\(ranking.requestId)-\(index)"
                    return event
                }
                controls[session.user.id] = userControls
                if !reactions.isEmpty { try await client.post(events: reactions) }
                sent += 1
                events += reactions.count
                if reactions.contains(where: { $0.type != EventType.view }) { engaged += 1 }
                if sent % 100 == 0 || sent == sessions {
                    Console.line(
                        "demo-traffic: \(sent)/\(sessions) sessions, \(events) events, \(engaged) sessions with an engagement "
                            + "(\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
                }
            }
            day += 1
        }
    }

    /// The two calls the traffic needs, JSON over URLSession.
    struct Client {
        let base: URL
        let token: String?

        struct Ranking: Decodable {
            struct Item: Decodable {
                let itemId: String
                enum CodingKeys: String, CodingKey { case itemId = "item_id" }
            }
            struct Layout: Decodable {
                let arm: String
            }
            let requestId: String
            let items: [Item]
            /// Present when the surface has layouts: the simulated users react to it.
            let layout: Layout?
            enum CodingKeys: String, CodingKey {
                case requestId = "request_id"
                case items, layout
            }
        }

        func rank(user: String, surface: String, candidates: [String], k: Int, device: String) async throws -> Ranking {
            let body: [String: Any] = [
                "user_id": user, "surface": surface, "candidates": candidates, "k": k, "context": ["device": device],
            ]
            let data = try await send("/v1/rank", body)
            return try JSONDecoder().decode(Ranking.self, from: data)
        }

        func post(events: [Event]) async throws {
            let now = RFC3339.string(Date())
            let body: [String: Any] = [
                "events": events.map { event -> [String: Any] in
                    var entry: [String: Any] = [
                        "event_id": event.eventId, "user_id": event.userId, "item_id": event.itemId,
                        "type": event.type.rawValue, "timestamp": now, "context": event.context,
                    ]
                    if let session = event.sessionId { entry["session_id"] = session }
                    if let value = event.value { entry["value"] = value }
                    if let request = event.requestId { entry["request_id"] = request }
                    return entry
                }
            ]
            _ = try await send("/v1/events", body)
        }

        private func send(_ path: String, _ body: [String: Any]) async throws -> Data {
            var request = URLRequest(url: base.appendingPathComponent(path))
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await URLSession.shared.data(for: request)
            } catch {
                throw DemoError(description: "cannot reach \(base.absoluteString): \(error.localizedDescription)")
            }
            guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
                let code = (response as? HTTPURLResponse)?.statusCode ?? 0
                throw DemoError(description: "\(path) answered \(code): \(String(decoding: data, as: UTF8.self))")
            }
            return data
        }
    }
}
