/// A job role. Its taste is a mix of domains and widget kinds; users of the role scatter around
/// it, which is what makes the role a useful prior for a user with no history.
struct Role: Sendable {
    let name: String
    /// Share of the user base.
    let share: Double
    let domains: [(name: String, weight: Double)]
    let kinds: [(name: String, weight: Double)]
    let teams: [String]
    let seniorities: [String]
    /// Share of the role on phones and tablets rather than a desktop.
    let mobileShare: Double

    private static let levels = ["junior", "mid", "senior", "lead"]

    static let all: [Role] = [
        Role(
            name: "analyst", share: 0.18,
            domains: [("product", 0.7), ("sales", 0.6), ("marketing", 0.6), ("finance", 0.5), ("operations", 0.4), ("customer_success", 0.3)],
            kinds: [("table", 1.0), ("chart", 0.8), ("heatmap", 0.6), ("funnel", 0.4)],
            teams: ["data", "bi", "revenue-ops", "growth-analytics"], seniorities: levels, mobileShare: 0.08
        ),
        Role(
            name: "executive", share: 0.05,
            domains: [("finance", 1.0), ("sales", 0.8), ("customer_success", 0.5), ("hr", 0.4), ("operations", 0.4)],
            kinds: [("kpi", 1.0), ("gauge", 0.8), ("chart", 0.2)],
            teams: ["leadership"], seniorities: ["director", "vp", "c-level"], mobileShare: 0.45
        ),
        Role(
            name: "engineer", share: 0.16,
            domains: [("engineering", 1.0), ("product", 0.4), ("support", 0.2)],
            kinds: [("chart", 1.0), ("heatmap", 0.5), ("table", 0.3)],
            teams: ["platform", "payments", "mobile", "infrastructure", "data-platform"], seniorities: levels, mobileShare: 0.1
        ),
        Role(
            name: "marketer", share: 0.10,
            domains: [("marketing", 1.0), ("sales", 0.4), ("product", 0.3)],
            kinds: [("funnel", 0.8), ("chart", 0.7), ("map", 0.5)],
            teams: ["growth", "brand", "demand-gen", "lifecycle"], seniorities: levels, mobileShare: 0.2
        ),
        Role(
            name: "sales_rep", share: 0.14,
            domains: [("sales", 1.0), ("marketing", 0.3), ("customer_success", 0.3)],
            kinds: [("kpi", 0.8), ("table", 0.7), ("map", 0.4)],
            teams: ["sales-emea", "sales-na", "sales-apac", "mid-market", "enterprise"], seniorities: levels, mobileShare: 0.35
        ),
        Role(
            name: "support_agent", share: 0.10,
            domains: [("support", 1.0), ("product", 0.3), ("customer_success", 0.3)],
            kinds: [("table", 0.9), ("kpi", 0.6)],
            teams: ["support-tier1", "support-tier2", "customer-care"], seniorities: levels, mobileShare: 0.1
        ),
        Role(
            name: "finance_manager", share: 0.06,
            domains: [("finance", 1.0), ("operations", 0.4), ("sales", 0.3), ("hr", 0.3)],
            kinds: [("table", 0.9), ("kpi", 0.6), ("gauge", 0.4)],
            teams: ["fp-and-a", "accounting", "treasury"], seniorities: levels, mobileShare: 0.15
        ),
        Role(
            name: "product_manager", share: 0.09,
            domains: [("product", 1.0), ("engineering", 0.4), ("marketing", 0.3), ("support", 0.3)],
            kinds: [("funnel", 0.9), ("chart", 0.7), ("heatmap", 0.4)],
            teams: ["core-product", "growth", "payments", "mobile"], seniorities: levels, mobileShare: 0.2
        ),
        Role(
            name: "hr_partner", share: 0.04,
            domains: [("hr", 1.0), ("finance", 0.3)],
            kinds: [("table", 0.7), ("chart", 0.5), ("kpi", 0.4)],
            teams: ["people-ops", "talent"], seniorities: levels, mobileShare: 0.2
        ),
        Role(
            name: "operations_manager", share: 0.05,
            domains: [("operations", 1.0), ("finance", 0.3), ("support", 0.2)],
            kinds: [("map", 0.7), ("gauge", 0.6), ("chart", 0.5)],
            teams: ["supply-chain", "logistics", "facilities"], seniorities: levels, mobileShare: 0.3
        ),
        Role(
            name: "customer_success_manager", share: 0.05,
            domains: [("customer_success", 1.0), ("support", 0.5), ("sales", 0.4), ("product", 0.2)],
            kinds: [("kpi", 0.6), ("table", 0.6), ("gauge", 0.5)],
            teams: ["customer-success", "onboarding"], seniorities: levels, mobileShare: 0.25
        ),
    ]

    /// How much the role cares about each domain (indexed like `Domain.all`), with a floor so
    /// that anyone may wander into any dashboard.
    var domainWeights: [Double] {
        Domain.all.map { domain in
            domains.first(where: { $0.name == domain.name })?.weight ?? 0.05
        }
    }
}
