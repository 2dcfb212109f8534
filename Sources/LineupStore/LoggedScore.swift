import Foundation

/// One shown widget as the pooled AUC reads it: its score, its label, and what to group
/// it by (the day, the ranker and the variant of its response).
public struct LoggedScore: Sendable, Hashable {
    public var score: Float
    public var label: Int
    public var time: Date
    public var ranker: String
    public var variant: String?

    public init(score: Float, label: Int, time: Date, ranker: String, variant: String?) {
        self.score = score
        self.label = label
        self.time = time
        self.ranker = ranker
        self.variant = variant
    }
}
