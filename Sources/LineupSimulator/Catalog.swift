import Foundation
import LineupCore

/// The widget catalog and its hidden side: each widget's topic vector, popularity and the
/// editors' opinion of it.
///
/// Widgets are built combinatorially (domain × metric × kind × breakdown) so that titles read like
/// a real BI tool's ("Weekly revenue by region", "Churn risk heatmap by customer cohort") and
/// widgets about the same metric or domain are visibly related, as a text-embedding model would see them.
struct Catalog: Sendable {
    var items: [Item] = []
    /// Row-major, `dimension` values per widget.
    var vectors: [Float] = []
    /// Appeal independent of taste: some widgets everybody opens.
    var popularity: [Double] = []
    var domains: [Int] = []
    /// What editors believe matters: kind first, then a noisy view of popularity.
    var editorialScores: [Double] = []

    /// One way to make a widget, before it is drawn into the catalog.
    private struct Blueprint: Sendable {
        var domain: Int
        var metric: Int?
        var note: Int?
        var kind: Int
        var breakdown: Int?
        var qualifier: Int?
        var title: String
    }

    /// Scopes that multiply the vocabulary only when a catalog larger than it is asked for.
    private static let qualifiers: [(title: String, tag: String)] = [
        ("EMEA", "emea"), ("North America", "north-america"), ("APAC", "apac"),
        ("Enterprise", "enterprise"), ("SMB", "smb"), ("Self-serve", "self-serve"),
    ]

    private static let refreshRates = ["every 15 minutes", "hourly", "hourly", "daily", "daily", "weekly"]

    private static let blueprints: [Blueprint] = {
        let kind = WidgetKind.index
        var result: [Blueprint] = []
        var titles: Set<String> = []
        func add(_ blueprint: Blueprint) {
            if titles.insert(blueprint.title).inserted { result.append(blueprint) }
        }
        for (d, domain) in Domain.all.enumerated() {
            for (m, metric) in domain.metrics.enumerated() {
                let name = metric.name
                if metric.isFunnel {
                    add(Blueprint(domain: d, metric: m, kind: kind("funnel"), title: name))
                    for (b, breakdown) in domain.breakdowns.enumerated() where breakdown.kind == .category {
                        add(Blueprint(domain: d, metric: m, kind: kind("funnel"), breakdown: b, title: "\(name) by \(breakdown.noun)"))
                    }
                    continue
                }
                add(Blueprint(domain: d, metric: m, kind: kind("kpi"), title: name))
                if metric.hasTarget {
                    add(Blueprint(domain: d, metric: m, kind: kind("gauge"), title: "\(name) vs target"))
                }
                add(Blueprint(domain: d, metric: m, kind: kind("chart"), title: "\(name) trend"))
                for (b, breakdown) in domain.breakdowns.enumerated() {
                    let noun = breakdown.noun
                    add(Blueprint(domain: d, metric: m, kind: kind("chart"), breakdown: b, title: "\(name) by \(noun)"))
                    add(Blueprint(domain: d, metric: m, kind: kind("table"), breakdown: b, title: "\(name) breakdown by \(noun)"))
                    switch breakdown.kind {
                    case .place:
                        add(Blueprint(domain: d, metric: m, kind: kind("map"), breakdown: b, title: "\(name) map by \(noun)"))
                    case .cohort, .time:
                        add(Blueprint(domain: d, metric: m, kind: kind("heatmap"), breakdown: b, title: "\(name) heatmap by \(noun)"))
                    case .category:
                        break
                    }
                }
            }
            for (n, note) in domain.notes.enumerated() {
                add(Blueprint(domain: d, note: n, kind: kind("text"), title: note))
            }
        }
        return result
    }()

    /// How many distinct widgets the vocabulary can make.
    static let capacity = blueprints.count * (1 + qualifiers.count)

    init(count: Int, windowStart: Double, basis: LatentBasis, using rng: inout SeededGenerator) {
        let base = Self.blueprints
        // Weighted draws without replacement keep the kinds in realistic proportions; the scoped
        // variants ("… (EMEA)") come in only once the plain vocabulary is used up.
        var chosen = rng.sampleWithoutReplacement(
            weights: base.map { WidgetKind.all[$0.kind].weight }, count: count
        ).map { base[$0] }
        if count > base.count {
            var scoped: [Blueprint] = []
            scoped.reserveCapacity(base.count * Self.qualifiers.count)
            for (q, qualifier) in Self.qualifiers.enumerated() {
                for blueprint in base {
                    var variant = blueprint
                    variant.qualifier = q
                    variant.title += " (\(qualifier.title))"
                    scoped.append(variant)
                }
            }
            let extra = rng.sampleWithoutReplacement(
                weights: scoped.map { WidgetKind.all[$0.kind].weight }, count: count - base.count
            )
            chosen += extra.map { scoped[$0] }
        }

        let width = max(4, String(count).count)
        items.reserveCapacity(count)
        vectors.reserveCapacity(count * basis.dimension)
        for (number, blueprint) in chosen.enumerated() {
            append(blueprint, id: "w-" + Self.padded(number + 1, width: width), windowStart: windowStart, basis: basis, using: &rng)
        }
    }

    private mutating func append(
        _ blueprint: Blueprint, id: String, windowStart: Double, basis: LatentBasis, using rng: inout SeededGenerator
    ) {
        let domain = Domain.all[blueprint.domain]
        let kind = WidgetKind.all[blueprint.kind]
        let metric = blueprint.metric.map { domain.metrics[$0] }
        let breakdown = blueprint.breakdown.map { domain.breakdowns[$0] }
        let qualifier = blueprint.qualifier.map { Self.qualifiers[$0] }
        let refresh = Self.refreshRates[rng.nextInt(below: Self.refreshRates.count)]

        var summary = metric?.summary ?? "Announcements and context from the \(domain.title) team"
        if let qualifier { summary += " for \(qualifier.title)" }
        if let breakdown { summary += ", split by \(breakdown.noun)" }
        var description = "\(summary). \(kind.sentence(noun: breakdown?.noun, team: domain.title))"
        if metric != nil { description += " Source: \(domain.source), refreshed \(refresh)." }

        var tags = [domain.name, kind.name]
        for tag in (metric?.tags ?? ["notes"]) + [breakdown?.tag, qualifier?.tag].compactMap({ $0 }) where !tags.contains(tag) {
            tags.append(tag)
        }

        var attributes: [String: JSONValue] = ["domain": .string(domain.name)]
        if let metric {
            attributes["metric"] = .string(metric.name)
            attributes["refresh"] = .string(refresh)
        }

        // Created over the twelve weeks before the window, some edited since.
        let created = (windowStart - 86_400 * (1 + 83 * rng.nextUnit())).rounded(.down)
        let updated = (created + (windowStart - created) * rng.nextUnit() * rng.nextUnit()).rounded(.down)
        items.append(Item(
            id: id, title: blueprint.title, description: description, type: kind.name, tags: tags,
            attributes: attributes,
            createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated)
        ))

        // The topic: mostly the domain, then the kind and the metric, then a little of its own.
        var vector = basis.domains[blueprint.domain]
        Vector.add(basis.kinds[blueprint.kind], scaledBy: 0.45, to: &vector)
        if let m = blueprint.metric {
            Vector.add(basis.metrics[blueprint.domain][m], scaledBy: 0.35, to: &vector)
        }
        Vector.add(Vector.noise(dimension: basis.dimension, using: &rng), scaledBy: 0.25, to: &vector)
        vectors += Vector.normalized(vector).map { Float($0) }

        // A few widgets are broadly popular whatever one's role (the company's headline numbers).
        let star = rng.nextBool(probability: 0.06) ? 1.3 : 0
        let appeal = 0.5 * rng.nextGaussian() + star
        popularity.append(appeal)
        domains.append(blueprint.domain)
        editorialScores.append(kind.editorialBoost + appeal + 0.6 * rng.nextGaussian())
    }

    static func padded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
