import LineupStore

/// `ImpressionQuery`'s documented meaning in Swift, so that a check derives which
/// impressions a query selects from the ones it wrote instead of listing them by hand.
extension ImpressionQuery {
    func matches(_ impression: Impression) -> Bool {
        if let from, impression.time < from { return false }
        if let to, impression.time >= to { return false }
        for (wanted, value) in [
            (surface, impression.surface), (experiment, impression.experiment), (variant, impression.variant),
            (ranker, impression.ranker), (modelVersion, impression.modelVersion),
        ] {
            if let wanted, wanted != value { return false }
        }
        return true
    }
}
