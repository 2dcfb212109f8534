import Foundation
import LineupCore

extension Simulator {
    /// The knobs of the synthetic world. The defaults give a mid-sized company (300 widgets,
    /// 2,000 users, four weeks, roughly 300,000 events) that generates in well under a second.
    public struct Configuration: Sendable, Hashable {
        /// Pins the whole world: the same seed gives the same widgets, users and events, byte for byte.
        public var seed: UInt64 = 42
        /// Widgets in the catalog. Default 300; at most `Simulator.catalogCapacity` distinct widgets exist.
        public var itemCount = 300
        /// Users. Default 2,000.
        public var userCount = 2_000
        /// Days simulated. Default 28: four full weeks, so every weekday appears equally often.
        public var days = 28
        /// The first instant of the simulated window (rounded up to a whole second). Default
        /// 2025-01-06T00:00:00Z, a Monday; `lineup demo` passes "now minus `days`" instead.
        public var start = Date(timeIntervalSince1970: 1_736_121_600)
        /// Dimension of the hidden topic and taste vectors. Default 12: enough for nine domains,
        /// eight widget kinds and some individual variation.
        public var latentDimension = 12
        /// How far a user's taste strays from their role's centroid (0 = clones of the role).
        /// Default 0.6: the role is a strong prior, yet two analysts still disagree.
        public var individualTaste = 0.6
        /// Weight of taste in the attractiveness logit. Default 4: a widget in the user's
        /// domain is several times likelier to be engaged than one outside it.
        public var tasteWeight = 4.0
        /// Base logit of attractiveness. Default −3: engagement stays a minority outcome.
        public var attractivenessBias = -3.0
        /// Dashboards per business domain. Default 3.
        public var dashboardsPerDomain = 3
        /// Widgets laid out on each dashboard, a couple of company-wide highlights included. Default 14.
        public var widgetsPerDashboard = 14
        /// How many widgets fit on the screen in one session; the order decides which ones.
        /// Default 8...12.
        public var widgetsPerSession: ClosedRange<Int> = 8...12
        /// η in the examination probability (1/(p+1))^η of position p (0-based). Default 1;
        /// 0 removes position bias, larger values make users look at fewer widgets.
        public var examinationDecay = 1.0
        /// Median sessions per user per week. Default 4. Activity is log-normal around it.
        public var sessionsPerWeek = 4.0
        /// σ of the log-normal activity: a few heavy users, many occasional ones. Default 0.8.
        public var activitySpread = 0.8
        /// Sessions on a Saturday or Sunday, relative to a weekday. Default 0.2.
        public var weekendActivity = 0.2
        /// Share of sessions that open a dashboard outside the user's favourites. Default 0.15.
        public var explorationShare = 0.15
        /// Share of users who opted out of personalization. Default 0.03.
        public var optOutShare = 0.03

        public init() {}

        /// Checks the settings so that a nonsensical world fails loudly at construction,
        /// rather than as an empty or crashing simulation later.
        public func validate() throws(ValidationError) {
            func require(_ condition: Bool, _ field: String, _ reason: String) throws(ValidationError) {
                if !condition { throw ValidationError(field: field, reason: reason) }
            }
            try require(itemCount >= 1, "itemCount", "is \(itemCount); the catalog needs at least one widget")
            try require(
                itemCount <= Simulator.catalogCapacity, "itemCount",
                "is \(itemCount); the vocabulary yields at most \(Simulator.catalogCapacity) distinct widgets"
            )
            try require(userCount >= 1, "userCount", "is \(userCount); the world needs at least one user")
            try require(userCount <= 9_999_999, "userCount", "is \(userCount); at most 9,999,999 users")
            try require(days >= 0, "days", "is \(days); must not be negative")
            try require(
                (-62_135_596_800...253_402_300_799).contains(start.timeIntervalSince1970), "start",
                "is \(start); must fall between the years 1 and 9999"
            )
            try require(latentDimension >= 2, "latentDimension", "is \(latentDimension); must be at least 2")
            try require(latentDimension <= 1_024, "latentDimension", "is \(latentDimension); at most 1024")
            for (field, value) in [
                ("individualTaste", individualTaste), ("tasteWeight", tasteWeight),
                ("attractivenessBias", attractivenessBias), ("examinationDecay", examinationDecay),
                ("sessionsPerWeek", sessionsPerWeek), ("activitySpread", activitySpread),
            ] {
                try require(value.isFinite, field, "is \(value); must be a finite number")
            }
            try require(individualTaste >= 0, "individualTaste", "is \(individualTaste); must not be negative")
            try require(examinationDecay >= 0, "examinationDecay", "is \(examinationDecay); must not be negative")
            try require(sessionsPerWeek > 0, "sessionsPerWeek", "is \(sessionsPerWeek); must be positive")
            try require(sessionsPerWeek <= 500, "sessionsPerWeek", "is \(sessionsPerWeek); at most 500")
            try require(activitySpread >= 0 && activitySpread <= 3, "activitySpread", "is \(activitySpread); must be in 0...3")
            try require(dashboardsPerDomain >= 1, "dashboardsPerDomain", "is \(dashboardsPerDomain); must be at least 1")
            try require(widgetsPerDashboard >= 1, "widgetsPerDashboard", "is \(widgetsPerDashboard); must be at least 1")
            try require(
                widgetsPerSession.lowerBound >= 1, "widgetsPerSession",
                "is \(widgetsPerSession); a session shows at least one widget"
            )
            for (field, value) in [
                ("weekendActivity", weekendActivity), ("explorationShare", explorationShare), ("optOutShare", optOutShare),
            ] {
                try require(value >= 0 && value <= 1, field, "is \(value); must be a share in 0...1")
            }
        }
    }
}
