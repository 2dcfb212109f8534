/// A business area with its own metrics, breakdowns and dashboards. Domains are the main axis of
/// taste: their centroids anchor both the widgets' topics and the roles' preferences.
struct Domain: Sendable {
    let name: String
    let title: String
    /// Where its numbers come from, for the widget descriptions.
    let source: String
    let metrics: [Metric]
    let breakdowns: [Breakdown]
    /// Titles of the domain's text widgets.
    let notes: [String]
    /// Titles of the domain's dashboards.
    let dashboards: [String]

    static let all: [Domain] = [
        Domain(
            name: "sales", title: "Sales", source: "the CRM",
            metrics: [
                Metric("Weekly revenue", "Revenue booked each week", ["revenue"]),
                Metric("Pipeline coverage", "Open pipeline as a multiple of the remaining quota", ["pipeline", "quota"], target: true),
                Metric("Win rate", "Share of closed opportunities that were won", ["pipeline", "conversion"], target: true),
                Metric("Average deal size", "Mean contract value of won deals", ["revenue", "deals"]),
                Metric("Sales cycle length", "Days from first meeting to closed deal", ["pipeline", "velocity"]),
                Metric("Quota attainment", "New bookings as a share of the period's quota", ["quota", "revenue"], target: true),
                Metric("Open opportunities", "Opportunities that are neither won nor lost", ["pipeline"]),
                Metric("Lead-to-close funnel", "Leads moving through qualification, proposal and close", ["conversion", "pipeline"], funnel: true),
            ],
            breakdowns: [
                Breakdown("region", .place), Breakdown("country", .place), Breakdown("sales rep"),
                Breakdown("segment"), Breakdown("product line"), Breakdown("deal stage"),
            ],
            notes: ["Sales team announcements", "Quarterly sales commentary"],
            dashboards: ["Sales overview", "Pipeline review", "Sales leadership weekly"]
        ),
        Domain(
            name: "finance", title: "Finance", source: "the ERP",
            metrics: [
                Metric("Monthly recurring revenue", "Recurring revenue normalised to a month", ["revenue", "saas"]),
                Metric("Gross margin", "Revenue minus cost of goods sold, as a share of revenue", ["profitability"], target: true),
                Metric("Cash runway", "Months of operation the current cash balance covers", ["cash"]),
                Metric("Operating expenses", "Operating spend recognised in the period", ["spend", "costs"]),
                Metric("Receivables aging", "Outstanding invoices grouped by days overdue", ["cash", "invoices"]),
                Metric("Budget variance", "Actual spend against the approved budget", ["budget", "costs"], target: true),
                Metric("Net burn", "Cash out minus cash in over the month", ["cash", "burn"]),
                Metric("Net revenue retention", "Revenue kept and expanded from last year's customers", ["revenue", "retention"], target: true),
            ],
            breakdowns: [
                Breakdown("cost center"), Breakdown("business unit"), Breakdown("region", .place),
                Breakdown("vendor"), Breakdown("customer cohort", .cohort), Breakdown("month", .time),
            ],
            notes: ["Finance close calendar", "CFO monthly commentary"],
            dashboards: ["Finance overview", "Monthly close", "Board metrics"]
        ),
        Domain(
            name: "marketing", title: "Marketing", source: "the marketing automation platform",
            metrics: [
                Metric("Campaign ROI", "Attributed revenue per unit of campaign spend", ["campaigns", "roi"]),
                Metric("Cost per lead", "Marketing spend divided by new leads", ["leads", "spend"], target: true),
                Metric("Website sessions", "Visits to the marketing site", ["traffic", "web"]),
                Metric("Marketing qualified leads", "Leads that met the qualification score", ["leads"], target: true),
                Metric("Email click-through rate", "Share of delivered emails that were clicked", ["email", "engagement"]),
                Metric("Customer acquisition cost", "Sales and marketing spend per new customer", ["spend", "acquisition"]),
                Metric("Signup conversion funnel", "Visitors moving from landing page to activated signup", ["conversion", "signup"], funnel: true),
                Metric("Share of voice", "Brand mentions against the main competitors", ["brand"]),
            ],
            breakdowns: [
                Breakdown("channel"), Breakdown("campaign"), Breakdown("country", .place),
                Breakdown("landing page"), Breakdown("signup cohort", .cohort), Breakdown("hour of day", .time),
            ],
            notes: ["Campaign calendar", "Brand guidelines digest"],
            dashboards: ["Marketing performance", "Demand generation", "Campaign tracker"]
        ),
        Domain(
            name: "product", title: "Product", source: "product analytics events",
            metrics: [
                Metric("Daily active users", "Distinct users active each day", ["engagement", "users"]),
                Metric("Feature adoption", "Share of active accounts using each new feature", ["adoption", "features"], target: true),
                Metric("Week-4 retention", "Share of new users still active four weeks after signup", ["retention"], target: true),
                Metric("Onboarding funnel", "New users moving through the onboarding steps", ["onboarding", "conversion"], funnel: true),
                Metric("Session length", "Median time users spend per session", ["engagement"]),
                Metric("Net promoter score", "Promoters minus detractors in the in-app survey", ["satisfaction", "survey"], target: true),
                Metric("Activation rate", "New accounts reaching the activation milestone", ["activation", "conversion"], target: true),
                Metric("Feature requests", "Requests logged against the roadmap", ["roadmap", "feedback"]),
            ],
            breakdowns: [
                Breakdown("signup cohort", .cohort), Breakdown("platform"), Breakdown("plan"),
                Breakdown("feature"), Breakdown("country", .place), Breakdown("weekday", .time),
            ],
            notes: ["Release notes", "Product roadmap highlights"],
            dashboards: ["Product health", "Growth and retention", "Feature launches"]
        ),
        Domain(
            name: "support", title: "Support", source: "the helpdesk",
            metrics: [
                Metric("Ticket backlog", "Open tickets waiting for an agent", ["tickets", "backlog"]),
                Metric("First response time", "Median time to the first agent reply", ["tickets", "sla"], target: true),
                Metric("Resolution time", "Median time from ticket creation to resolution", ["tickets", "sla"]),
                Metric("CSAT score", "Average satisfaction rating on solved tickets", ["satisfaction"], target: true),
                Metric("Tickets created", "New tickets opened in the period", ["tickets", "volume"]),
                Metric("Escalation rate", "Share of tickets escalated to the second tier", ["tickets", "quality"]),
                Metric("Self-service deflection", "Help-centre visits that did not become tickets", ["help-center"], target: true),
                Metric("SLA breaches", "Tickets that missed their response or resolution target", ["sla"]),
            ],
            breakdowns: [
                Breakdown("priority"), Breakdown("channel"), Breakdown("agent"),
                Breakdown("product area"), Breakdown("region", .place), Breakdown("hour of day", .time),
            ],
            notes: ["Known issues", "Support shift handover"],
            dashboards: ["Support queue", "Service quality", "Support team weekly"]
        ),
        Domain(
            name: "engineering", title: "Engineering", source: "CI/CD and incident tooling",
            metrics: [
                Metric("Deploy frequency", "Production deployments per day", ["delivery", "dora"]),
                Metric("Change failure rate", "Share of deployments that caused an incident or rollback", ["reliability", "dora"], target: true),
                Metric("Lead time for changes", "Time from merged commit to production", ["delivery", "dora"]),
                Metric("Mean time to recovery", "Time to restore service after an incident", ["reliability", "incidents"]),
                Metric("Error rate", "Share of requests that failed", ["reliability"], target: true),
                Metric("API latency p95", "95th percentile latency of API requests", ["performance", "latency"], target: true),
                Metric("Build duration", "Median CI pipeline duration", ["ci", "delivery"]),
                Metric("Open incidents", "Incidents not yet resolved", ["incidents"]),
            ],
            breakdowns: [
                Breakdown("service"), Breakdown("team"), Breakdown("environment"),
                Breakdown("region", .place), Breakdown("hour of day", .time), Breakdown("repository"),
            ],
            notes: ["On-call handbook", "Incident postmortems"],
            dashboards: ["Engineering health", "Service reliability", "Delivery metrics"]
        ),
        Domain(
            name: "hr", title: "HR", source: "the HRIS",
            metrics: [
                Metric("Headcount", "Employees on payroll at the end of the period", ["headcount", "workforce"]),
                Metric("Attrition rate", "Annualised share of employees who left", ["attrition", "retention"]),
                Metric("Time to hire", "Days from opening a role to an accepted offer", ["hiring", "recruiting"], target: true),
                Metric("Open requisitions", "Approved roles not yet filled", ["hiring"]),
                Metric("Offer acceptance rate", "Share of offers that were accepted", ["hiring", "recruiting"], target: true),
                Metric("Employee engagement", "Score from the quarterly engagement survey", ["engagement", "survey"]),
                Metric("Hiring funnel", "Candidates moving from application to hire", ["hiring", "recruiting"], funnel: true),
                Metric("Absence rate", "Share of scheduled days lost to absence", ["workforce"]),
            ],
            breakdowns: [
                Breakdown("department"), Breakdown("office", .place), Breakdown("level"),
                Breakdown("tenure cohort", .cohort), Breakdown("manager"), Breakdown("month", .time),
            ],
            notes: ["People team updates", "Open roles digest"],
            dashboards: ["People overview", "Recruiting pipeline", "Workforce planning"]
        ),
        Domain(
            name: "operations", title: "Operations", source: "the warehouse management system",
            metrics: [
                Metric("Order fulfilment time", "Hours from order placed to order shipped", ["fulfilment", "orders"]),
                Metric("On-time delivery", "Share of orders delivered by the promised date", ["delivery", "logistics"], target: true),
                Metric("Inventory turnover", "Cost of goods sold divided by average inventory", ["inventory"]),
                Metric("Stock-outs", "Products unavailable when ordered", ["inventory"]),
                Metric("Warehouse utilisation", "Used storage as a share of capacity", ["warehouse"], target: true),
                Metric("Shipping cost per order", "Carrier spend divided by orders shipped", ["logistics", "costs"]),
                Metric("Supplier lead time", "Days from purchase order to goods received", ["suppliers"]),
                Metric("Returns rate", "Share of delivered orders that were returned", ["returns", "orders"]),
            ],
            breakdowns: [
                Breakdown("warehouse", .place), Breakdown("carrier"), Breakdown("supplier"),
                Breakdown("product category"), Breakdown("region", .place), Breakdown("weekday", .time),
            ],
            notes: ["Operations bulletin", "Carrier status notes"],
            dashboards: ["Operations control tower", "Fulfilment", "Inventory and suppliers"]
        ),
        Domain(
            name: "customer_success", title: "Customer Success", source: "the customer success platform",
            metrics: [
                Metric("Churn risk", "Accounts whose health signals predict churn", ["churn", "retention"]),
                Metric("Renewal pipeline", "Contract value up for renewal in the next two quarters", ["renewals", "revenue"]),
                Metric("Account health score", "Composite of usage, support and survey signals", ["health"], target: true),
                Metric("Expansion revenue", "Upsell and cross-sell revenue from existing accounts", ["revenue", "expansion"]),
                Metric("Onboarding completion", "New accounts that finished onboarding on time", ["onboarding"], target: true),
                Metric("Product usage trend", "Weekly active seats per account", ["usage", "engagement"]),
                Metric("Renewal funnel", "Renewals moving from review to signed", ["renewals", "conversion"], funnel: true),
                Metric("Business review coverage", "Key accounts with a business review this quarter", ["accounts"], target: true),
            ],
            breakdowns: [
                Breakdown("account tier"), Breakdown("success manager"), Breakdown("customer cohort", .cohort),
                Breakdown("region", .place), Breakdown("industry"), Breakdown("plan"),
            ],
            notes: ["Customer escalations log", "Success playbook updates"],
            dashboards: ["Customer health", "Renewals", "Account reviews"]
        ),
    ]

    static func index(_ name: String) -> Int {
        guard let index = all.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("unknown domain \(name)")
        }
        return index
    }
}
