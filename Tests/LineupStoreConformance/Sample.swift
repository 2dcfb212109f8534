import Foundation
import LineupCore
import LineupStore

/// Records for the checks to write, at whole-second or millisecond offsets from one fixed
/// instant: such times survive a round trip exactly through a `Double` of seconds or a
/// microsecond timestamp, so a check can compare what it reads with what it wrote, and an
/// event placed exactly on a window's edge lies exactly there for the store too.
enum Sample {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func time(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func item(_ id: String, title: String = "Weekly revenue", at time: Date = t0) -> Item {
        Item(id: id, title: title, type: "chart", tags: ["sales"], embedding: [1, 0, 0.5],
             attributes: ["owner": .string("finance")], createdAt: time, updatedAt: time)
    }

    static func user(_ id: String, role: String? = "analyst", at time: Date = t0) -> User {
        User(id: id, role: role, createdAt: time, updatedAt: time)
    }

    /// An event at `seconds` after `t0`.
    static func event(
        _ id: String, user: String = "u", request: String? = nil, item: String = "w1", type: EventType = .click,
        at seconds: Double = 0, value: Double? = nil
    ) -> Event {
        Event(eventId: id, userId: user, itemId: item, type: type, value: value, timestamp: time(seconds),
              requestId: request, receivedAt: t0)
    }

    /// A response at `seconds` after `t0` showing `items` (w0, w1, … unless named), each with
    /// a feature vector unless `features` is false.
    static func impression(
        _ requestId: String, user: String = "u", at seconds: Double = 0, surface: String = "home",
        ranker: String = "two_stage", modelVersion: String? = "m1", experiment: String? = nil, variant: String? = nil,
        scores: [Float] = [0.9, 0.5, 0.1], items: [String]? = nil, features: Bool = true
    ) -> Impression {
        Impression(
            requestId: requestId, time: time(seconds), userId: user, surface: surface, context: ["device": "desktop"],
            experiment: experiment, variant: variant, ranker: ranker, modelVersion: modelVersion, schemaVersion: 1,
            items: scores.enumerated().map { index, score in
                ImpressionItem(
                    itemId: items?[index] ?? "w\(index)", position: index + 1, score: score, retrievalScore: 0.5,
                    pinned: index == 0, features: features ? [score, .nan, Float(index)] : [])
            })
    }

    /// A layout decision: a response that carries the arm its surface was shown in.
    static func decision(
        _ requestId: String, at seconds: Double, surface: String = "home", segment: String? = "desktop",
        arm: String = "grid", propensity: Double = 0.5, user: String = "u"
    ) -> Impression {
        var impression = impression(requestId, user: user, at: seconds, surface: surface)
        impression.layoutArm = arm
        impression.layoutPropensity = propensity
        impression.layoutSegment = segment
        return impression
    }

    /// The decision a store is expected to report for `impression`, settled with `reward`.
    static func decision(of impression: Impression, reward: Int?) -> LayoutDecision {
        LayoutDecision(
            requestId: impression.requestId, time: impression.time, surface: impression.surface,
            segment: impression.layoutSegment ?? "", arm: impression.layoutArm ?? "",
            propensity: impression.layoutPropensity ?? 1, reward: reward)
    }
}
