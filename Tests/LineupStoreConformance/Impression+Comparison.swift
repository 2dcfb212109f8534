import LineupStore

/// Feature vectors hold NaN for a missing feature, and NaN equals nothing, not even
/// itself: impressions are compared with their features as bit patterns, which is also
/// the stricter promise (the vector the model scored comes back as it was).
extension Impression {
    func isSame(as other: Impression) -> Bool {
        withoutFeatures == other.withoutFeatures && featureBits == other.featureBits
    }

    var withoutFeatures: Impression {
        var copy = self
        for index in copy.items.indices { copy.items[index].features = [] }
        return copy
    }

    var featureBits: [[UInt32]] { items.map { $0.features.map(\.bitPattern) } }
}
