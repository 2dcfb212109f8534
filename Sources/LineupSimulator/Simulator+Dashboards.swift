import LineupCore

extension Simulator {
    /// Each domain gets a few dashboards drawn from its widgets, laid out in the editors' order,
    /// and each carries a couple of the company's headline widgets, as real BI homes do.
    static func layOutDashboards(
        catalog: Catalog, configuration: Configuration, using rng: inout SeededGenerator
    ) -> (dashboards: [Dashboard], items: [[Int]]) {
        let byEditors = catalog.items.indices.sorted {
            catalog.editorialScores[$0] > catalog.editorialScores[$1]
                || (catalog.editorialScores[$0] == catalog.editorialScores[$1] && $0 < $1)
        }
        let headlines = Array(byEditors.prefix(12))
        let rank = byEditors.enumerated().reduce(into: [Int](repeating: 0, count: byEditors.count)) { $0[$1.element] = $1.offset }

        var dashboards: [Dashboard] = []
        var layouts: [[Int]] = []
        for (d, domain) in Domain.all.enumerated() {
            let own = catalog.items.indices.filter { catalog.domains[$0] == d }
            guard !own.isEmpty else { continue }
            for number in 0..<configuration.dashboardsPerDomain {
                let highlightCount = min(2, configuration.widgetsPerDashboard - 1)
                var chosen = rng.sampleWithoutReplacement(
                    weights: own.map { 1 + max(catalog.popularity[$0], -0.9) },
                    count: configuration.widgetsPerDashboard - highlightCount
                ).map { own[$0] }
                var extra = headlines.filter { !chosen.contains($0) }
                rng.shuffle(&extra)
                chosen += extra.prefix(max(highlightCount, 0))
                chosen.sort { rank[$0] < rank[$1] }

                var title = domain.dashboards[number % domain.dashboards.count]
                if number >= domain.dashboards.count { title += " \(number / domain.dashboards.count + 1)" }
                dashboards.append(Dashboard(
                    id: "d-\(domain.name)-\(number + 1)", title: title, domain: domain.name,
                    itemIds: chosen.map { catalog.items[$0].id }
                ))
                layouts.append(chosen)
            }
        }
        return (dashboards, layouts)
    }
}
