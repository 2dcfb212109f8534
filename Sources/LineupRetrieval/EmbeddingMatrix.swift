/// Every searchable item's vector in one contiguous, row-major Float32 matrix, each row of
/// unit length, so a cosine is a dot product and a whole catalog is one BLAS call.
///
/// A value type: an `EmbeddingIndex` hands readers an immutable copy (sharing storage) and
/// swaps in a changed one, so a search never sees half a row.
public struct EmbeddingMatrix: Sendable {
    public let dimension: Int
    /// The item id of each row.
    public private(set) var ids: [String]
    /// `count × dimension` floats, row after row.
    public private(set) var rows: [Float]
    private var rowOfId: [String: Int]

    public init(dimension: Int) {
        precondition(dimension > 0, "an embedding needs at least one dimension")
        self.dimension = dimension
        ids = []
        rows = []
        rowOfId = [:]
    }

    /// A matrix of many rows at once (`vectors` holds them one after another), each scaled
    /// to unit length: how a catalog is loaded without a dictionary update per append.
    public init(dimension: Int, ids: [String], vectors: [Float]) throws(RetrievalError) {
        precondition(dimension > 0, "an embedding needs at least one dimension")
        guard vectors.count == ids.count * dimension else {
            throw RetrievalError.wrongDimension(expected: ids.count * dimension, got: vectors.count)
        }
        self.dimension = dimension
        self.ids = ids
        rows = vectors
        rowOfId = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        guard rowOfId.count == ids.count else {
            throw RetrievalError.duplicateId
        }
        for row in 0..<ids.count {
            let unit = try Self.normalized(Array(rows[(row * dimension)..<((row + 1) * dimension)]), dimension: dimension)
            rows.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: unit)
        }
    }

    public var count: Int { ids.count }

    public func contains(_ id: String) -> Bool { rowOfId[id] != nil }

    public func row(of id: String) -> Int? { rowOfId[id] }

    /// The stored (unit-length) vector of an item.
    public func vector(of id: String) -> ArraySlice<Float>? {
        rowOfId[id].map { rows[($0 * dimension)..<(($0 + 1) * dimension)] }
    }

    /// Inserts or replaces an item's vector, scaled to unit length.
    public mutating func upsert(id: String, vector: [Float]) throws(RetrievalError) {
        let unit = try Self.normalized(vector, dimension: dimension)
        if let row = rowOfId[id] {
            rows.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: unit)
        } else {
            rowOfId[id] = ids.count
            ids.append(id)
            rows.append(contentsOf: unit)
        }
    }

    /// Removes an item; the last row moves into its place, so removal costs one row.
    public mutating func remove(id: String) {
        guard let row = rowOfId.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            rowOfId[moved] = row
            rows.replaceSubrange(
                (row * dimension)..<((row + 1) * dimension), with: rows[(last * dimension)..<((last + 1) * dimension)])
        }
        ids.removeLast()
        rows.removeLast(dimension)
    }

    /// `vector` scaled to unit length, after checking it can be.
    public static func normalized(_ vector: [Float], dimension: Int) throws(RetrievalError) -> [Float] {
        guard vector.count == dimension else {
            throw RetrievalError.wrongDimension(expected: dimension, got: vector.count)
        }
        var sum = 0.0
        for (index, value) in vector.enumerated() {
            guard value.isFinite else { throw RetrievalError.notFinite(index: index) }
            sum += Double(value) * Double(value)
        }
        guard sum > 0 else { throw RetrievalError.zeroVector }
        let scale = 1 / sum.squareRoot()
        return vector.map { Float(Double($0) * scale) }
    }
}
