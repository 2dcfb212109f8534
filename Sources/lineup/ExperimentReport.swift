import Foundation
import LineupAnalysis
import LineupStatistics

/// `lineup ab` as tables, and as an HTML page: per-variant rates with interval bars, the
/// lift against the control with its interval (drawn by the page's inline charts.js, as in
/// the console), the sample-ratio verdict.
struct ExperimentReport {
    let analysis: ExperimentAnalysis

    static func f(_ value: Double?, _ digits: Int = 4) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "—" }
    static func percent(_ value: Double?) -> String { value.map { String(format: "%+.2f%%", 100 * $0) } ?? "—" }
    static func p(_ value: Double) -> String { value < 1e-4 ? String(format: "%.1e", value) : String(format: "%.4f", value) }

    /// "difference [lower, upper], relative [lower, upper] relative; z, p" of a delta-method lift.
    static func lift(_ comparison: RatioComparison, absolute: String = "") -> String {
        "\(f(comparison.difference)) [\(f(comparison.lower)), \(f(comparison.upper))]\(absolute), "
            + "\(percent(comparison.relativeLift)) [\(percent(comparison.relativeLower)), \(percent(comparison.relativeUpper))] "
            + "relative; z \(f(comparison.z, 2)), p \(p(comparison.pValue))"
    }

    var text: String {
        var lines: [String] = []
        let srm = analysis.sampleRatio
        if srm.mismatch {
            lines += ["!!! " + (analysis.warnings.first ?? "sample ratio mismatch"), ""]
        }
        lines.append("experiment \(analysis.experiment) (\(analysis.status.rawValue)), control \(analysis.control)")
        lines.append(
            "sample ratio: chi-square \(Self.f(srm.chiSquare, 2)), p \(Self.p(srm.pValue)): "
                + (srm.mismatch ? "MISMATCH" : "consistent with the weights"))
        lines.append("")
        lines.append(
            "variant        users  requests  engaged  rate per request (95%)      rate per user (95%, delta)  "
                + "engaged widgets per request (95%)  NDCG@5")
        for variant in analysis.variants {
            let rate = variant.requestRate
            let user = variant.userRate.map { "\(Self.f($0.ratio)) [\(Self.f($0.lower)), \(Self.f($0.upper))]" } ?? "—"
            lines.append(
                variant.variant.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%7d %9d %8d  ", variant.usersExposed, variant.requests, variant.engagedRequests)
                    + "\(Self.f(rate.rate)) [\(Self.f(rate.lower)), \(Self.f(rate.upper))]".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + user.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + (variant.widgetsPerRequest.map { "\(Self.f($0.ratio)) [\(Self.f($0.lower)), \(Self.f($0.upper))]" } ?? "—")
                    .padding(toLength: 35, withPad: " ", startingAt: 0) + Self.f(variant.ndcgAt5))
        }
        for variant in analysis.variants {
            guard let comparison = variant.versusControl else { continue }
            let requests = comparison.requests
            lines += ["", "\(variant.variant) against \(analysis.control):"]
            if let byUser = comparison.requestsByUser {
                lines.append("  per request, users as the unit (delta method): " + Self.lift(byUser, absolute: " absolute"))
            }
            lines += [
                "  per request, requests as independent (too narrow when users return): \(Self.f(requests.difference)) [\(Self.f(requests.differenceLower)), \(Self.f(requests.differenceUpper))] absolute, "
                    + "\(Self.percent(requests.relativeLift)) [\(Self.percent(requests.relativeLower)), \(Self.percent(requests.relativeUpper))] "
                    + "relative; z \(Self.f(requests.z, 2)), p \(Self.p(requests.pValue))",
            ]
            if let widgets = comparison.widgets {
                lines.append("  engaged widgets per request: " + Self.lift(widgets))
            }
            if let perUser = comparison.perUser {
                lines.append(
                    "  per user (Welch): \(Self.f(perUser.difference)) [\(Self.f(perUser.lower)), \(Self.f(perUser.upper))], "
                        + "t \(Self.f(perUser.t, 2)) on \(Self.f(perUser.degreesOfFreedom, 1)) df, p \(Self.p(perUser.pValue))")
            }
            lines.append(
                "  chance to beat \(analysis.control): \(Self.f(100 * comparison.chanceToBeatControl, 2))%, "
                    + "expected loss if chosen \(Self.f(comparison.expectedLoss, 5))")
        }
        let others = srm.mismatch ? Array(analysis.warnings.dropFirst()) : analysis.warnings
        if !others.isEmpty { lines += [""] + others.map { "warning: \($0)" } }
        return lines.joined(separator: "\n")
    }

    var html: String {
        HTMLReport.page(
            title: "Experiment \(analysis.experiment)", body: section(heading: "h1"),
            footer: "Written by lineup ab. Engagement: an event that labels a widget, carrying the response's request_id within the label window.")
    }

    /// The experiment's part of a page, under a heading of the given level (`h1` on its
    /// own page, `h2` inside `lineup eval --html`).
    func section(heading: String) -> String {
        let sub = heading == "h1" ? "h2" : "h3"
        var body = "<\(heading)>Experiment \(HTMLReport.escape(analysis.experiment))</\(heading)>\n"
        body += "<p class=\"lead\">\(analysis.status.rawValue), control <b>\(HTMLReport.escape(analysis.control))</b>, "
            + "\(analysis.variants.map(\.usersExposed).reduce(0, +)) users exposed.</p>\n"
        let srm = analysis.sampleRatio
        body += srm.mismatch
            ? "<p class=\"alarm\">Sample ratio mismatch: chi-square \(Self.f(srm.chiSquare, 2)), p = \(Self.p(srm.pValue)). "
                + "The users did not split as the weights say; the assignment or the logging is broken and the numbers below "
                + "cannot be trusted.</p>\n"
            : "<p class=\"ok\">Sample ratio consistent with the weights (chi-square \(Self.f(srm.chiSquare, 2)), "
                + "p = \(Self.p(srm.pValue))).</p>\n"
        body += "<\(sub)>Engagement rate per request</\(sub)>\n<p>Each bar is the 95% interval with users as the unit, the dot the rate.</p>\n"
        body += HTMLReport.chart(
            .interval(
                title: "Engagement rate per request, per variant",
                rows: analysis.variants.compactMap { variant in
                    variant.userRate.map { .init(name: variant.variant, lower: $0.lower, value: $0.ratio, upper: $0.upper) }
                },
                zero: false, format: .number))
        body += HTMLReport.table(
            header: ["variant", "weight", "users", "requests", "engaged", "rate", "95% (requests as independent)",
                     "rate, 95% (users as the unit)", "engaged widgets per request", "NDCG@5"],
            rows: analysis.variants.map { variant in
                [variant.variant, Self.f(variant.weight, 2), "\(variant.usersExposed)", "\(variant.requests)",
                 "\(variant.engagedRequests)", Self.f(variant.requestRate.rate),
                 "[\(Self.f(variant.requestRate.lower)), \(Self.f(variant.requestRate.upper))]",
                 variant.userRate.map { "\(Self.f($0.ratio)) ± \(Self.f(1.96 * $0.standardError))" } ?? "—",
                 variant.widgetsPerRequest.map { "\(Self.f($0.ratio)) ± \(Self.f(1.96 * $0.standardError))" } ?? "—",
                 Self.f(variant.ndcgAt5)]
            })
        let compared = analysis.variants.compactMap { variant in variant.versusControl.map { (variant.variant, $0) } }
        if !compared.isEmpty {
            body += "<\(sub)>Lift against \(HTMLReport.escape(analysis.control))</\(sub)>\n<p>Relative lift per request with its 95% interval, "
                + "users as the unit (the delta method); the line marks no difference.</p>\n"
            body += HTMLReport.chart(
                .interval(
                    title: "Relative lift against \(analysis.control)",
                    rows: compared.compactMap { name, comparison in
                        guard let byUser = comparison.requestsByUser, let lower = byUser.relativeLower, let lift = byUser.relativeLift,
                            let upper = byUser.relativeUpper
                        else { return nil }
                        return .init(name: name, lower: lower, value: lift, upper: upper)
                    },
                    zero: true, format: .signedPercent))
            body += HTMLReport.table(
                header: ["variant", "absolute lift", "relative lift", "p (users as the unit)", "z-test p (requests as independent)",
                         "Welch p (per user)", "engaged widgets lift", "chance to beat", "expected loss"],
                rows: compared.map { name, comparison in
                    let byUser = comparison.requestsByUser
                    return [name,
                     byUser.map { "\(Self.f($0.difference)) [\(Self.f($0.lower)), \(Self.f($0.upper))]" } ?? "—",
                     byUser.map { "\(Self.percent($0.relativeLift)) [\(Self.percent($0.relativeLower)), \(Self.percent($0.relativeUpper))]" } ?? "—",
                     byUser.map { Self.p($0.pValue) } ?? "—",
                     Self.p(comparison.requests.pValue), comparison.perUser.map { Self.p($0.pValue) } ?? "—",
                     comparison.widgets.map { "\(Self.percent($0.relativeLift)) (p \(Self.p($0.pValue)))" } ?? "—",
                     String(format: "%.1f%%", 100 * comparison.chanceToBeatControl), Self.f(comparison.expectedLoss, 5)]
                })
        }
        let others = srm.mismatch ? Array(analysis.warnings.dropFirst()) : analysis.warnings
        if !others.isEmpty {
            body += "<\(sub)>Warnings</\(sub)>\n<ul>" + others.map { "<li>\(HTMLReport.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return body
    }
}
