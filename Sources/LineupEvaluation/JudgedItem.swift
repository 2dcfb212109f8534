/// One widget of a served response, as evaluation sees it.
public struct JudgedItem: Sendable, Hashable {
    /// The order key: higher first.
    public var score: Double
    /// Graded relevance, 0 or more; above 0 means the user engaged.
    public var label: Int
    /// Where it was shown, 1 for the first.
    public var position: Int

    public init(score: Double, label: Int, position: Int) {
        self.score = score
        self.label = label
        self.position = position
    }
}
