import ArgumentParser
import Foundation
import LineupCore
import LineupStore

/// The flags that pick a window and a slice of the impression log.
struct ImpressionFilterOptions: ParsableArguments {
    @Option(help: "Start of the window, inclusive: 2026-11-01 or 2026-11-01T08:00:00Z (default: the first impression).")
    var from: String?

    @Option(help: "End of the window, exclusive, same forms (default: after the last impression).")
    var to: String?

    @Option(help: "Only this surface (dashboard).")
    var surface: String?

    @Option(help: "Only this experiment.")
    var experiment: String?

    @Option(help: "Only this variant.")
    var variant: String?

    @Option(help: "Only this ranker: two_stage, fallback or popularity.")
    var ranker: String?

    @Option(help: "Only responses served by this model version.")
    var modelVersion: String?

    func query() throws -> ImpressionQuery {
        if let ranker, !["two_stage", "fallback", "popularity"].contains(ranker) {
            throw ValidationError("--ranker must be two_stage, fallback or popularity, not \(ranker)")
        }
        let query = ImpressionQuery(
            from: try from.map { try Self.date($0, flag: "--from") }, to: try to.map { try Self.date($0, flag: "--to") },
            surface: surface, experiment: experiment, variant: variant, ranker: ranker, modelVersion: modelVersion)
        if let start = query.from, let end = query.to, end <= start {
            throw ValidationError("--to must be after --from")
        }
        return query
    }

    /// A day (midnight UTC) or an RFC 3339 date-time, fractional seconds or not.
    static func date(_ text: String, flag: String) throws -> Date {
        if let date = RFC3339.parse(dayOrDateTime: text) { return date }
        throw ValidationError("\(flag) must be a day like 2026-11-01 or an instant like 2026-11-01T08:00:00Z, not \(text)")
    }
}
