/// Vectors the retrieval stage cannot use.
public enum RetrievalError: Error, Sendable, Hashable, CustomStringConvertible {
    case wrongDimension(expected: Int, got: Int)
    case notFinite(index: Int)
    /// A zero vector has no direction, so no cosine.
    case zeroVector
    /// The same id twice in a bulk load.
    case duplicateId

    public var description: String {
        switch self {
        case .wrongDimension(let expected, let got): "has \(got) values; the dimension is \(expected)"
        case .notFinite(let index): "value \(index) is not a finite number"
        case .zeroVector: "is all zeros: it has no direction for cosine similarity"
        case .duplicateId: "lists an id twice"
        }
    }
}
