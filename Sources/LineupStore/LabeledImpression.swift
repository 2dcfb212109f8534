/// An impression read back with what happened next: per item, in `items` order, its label
/// and whether the user hid it (an explicit negative).
public struct LabeledImpression: Sendable, Hashable {
    public var impression: Impression
    public var labels: [Int]
    public var negatives: [Bool]

    public init(impression: Impression, labels: [Int], negatives: [Bool]) {
        self.impression = impression
        self.labels = labels
        self.negatives = negatives
    }
}
