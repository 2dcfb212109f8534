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

    /// Gathers the rows of a log scan (one per shown item, each request's rows together, in
    /// position order) into one labelled impression per request, as both stores read them.
    public struct Gathering {
        private var current: LabeledImpression?

        public init() {}

        /// Adds one item's row; `impression` (called for a request's first row only) reads
        /// the rest of it. The request before is handed to `body` once its rows are all in.
        public mutating func add(
            requestId: String, item: ImpressionItem, label: Int, impression: () throws -> Impression,
            to body: (LabeledImpression) throws -> Void
        ) throws {
            if current?.impression.requestId != requestId {
                if let done = current { try body(done) }
                current = LabeledImpression(impression: try impression(), labels: [], negatives: [])
            }
            current!.impression.items.append(item)
            current!.labels.append(max(0, label))
            current!.negatives.append(label < 0)
        }

        /// Hands the last request to `body`.
        public mutating func finish(_ body: (LabeledImpression) throws -> Void) throws {
            if let done = current { try body(done) }
            current = nil
        }
    }
}
