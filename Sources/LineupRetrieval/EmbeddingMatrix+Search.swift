import CBLAS

extension EmbeddingMatrix {
    /// Rows scored per sgemv in a single search: the 32 KiB of scores stay in L1 for the
    /// selection that reads them back.
    static let blockRows = 8_192

    /// Rows scored per sgemm in a batch search: a 64-query score block of 256 KiB stays in
    /// L2 for the selection, and the sgemm is still large enough to run at full speed.
    static let batchBlockRows = 1_024

    /// The `k` items closest to `query` by cosine, best first; ties go to the smaller id.
    public func nearest(to query: [Float], k: Int) throws(RetrievalError) -> [ScoredItem] {
        let unit = try Self.normalized(query, dimension: dimension)
        guard k > 0, count > 0 else { return [] }
        let selector = TopK(k: k, ids: ids)
        var scores = [Float](repeating: 0, count: min(count, Self.blockRows))
        var first = 0
        while first < count {
            let rowsInBlock = min(Self.blockRows, count - first)
            rows.withUnsafeBufferPointer { matrix in
                unit.withUnsafeBufferPointer { x in
                    scores.withUnsafeMutableBufferPointer { y in
                        cblas_sgemv(
                            CblasRowMajor, CblasNoTrans, Int32(rowsInBlock), Int32(dimension), 1,
                            matrix.baseAddress! + first * dimension, Int32(dimension), x.baseAddress!, 1, 0,
                            y.baseAddress!, 1)
                    }
                }
            }
            scores.withUnsafeBufferPointer { block in
                selector.offer(scores: UnsafeBufferPointer(rebasing: block[0..<rowsInBlock]), firstRow: first)
            }
            first += rowsInBlock
        }
        return selector.sorted()
    }

    /// The `k` closest among `candidates` only (the widgets a dashboard can show). Costs time
    /// in proportion to the candidates, not the catalog; unknown ids are skipped.
    public func nearest(to query: [Float], k: Int, among candidates: [String]) throws(RetrievalError) -> [ScoredItem] {
        let unit = try Self.normalized(query, dimension: dimension)
        guard k > 0 else { return [] }
        let selector = TopK(k: k, ids: ids)
        var seen = Set<Int>()
        rows.withUnsafeBufferPointer { matrix in
            unit.withUnsafeBufferPointer { x in
                for id in candidates {
                    guard let row = row(of: id), seen.insert(row).inserted else { continue }
                    let score = cblas_sdot(Int32(dimension), matrix.baseAddress! + row * dimension, 1, x.baseAddress!, 1)
                    selector.offer(score: score, row: row)
                }
            }
        }
        return selector.sorted()
    }

    /// `nearest(to:k:)` for many queries at once: one sgemm per block of rows scores every
    /// query, which reads the matrix once for the whole batch instead of once per query.
    public func nearest(to queries: [[Float]], k: Int) throws(RetrievalError) -> [[ScoredItem]] {
        guard !queries.isEmpty else { return [] }
        var packed: [Float] = []
        packed.reserveCapacity(queries.count * dimension)
        for query in queries { packed += try Self.normalized(query, dimension: dimension) }
        guard k > 0, count > 0 else { return queries.map { _ in [] } }
        let selectors = queries.indices.map { _ in TopK(k: k, ids: ids) }
        let blockRows = min(count, Self.batchBlockRows)
        var scores = [Float](repeating: 0, count: queries.count * blockRows)
        var first = 0
        while first < count {
            let rowsInBlock = min(blockRows, count - first)
            rows.withUnsafeBufferPointer { matrix in
                packed.withUnsafeBufferPointer { q in
                    scores.withUnsafeMutableBufferPointer { c in
                        // scores (queries × rowsInBlock) = Q (queries × d) · blockᵀ (d × rowsInBlock)
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queries.count), Int32(rowsInBlock),
                            Int32(dimension), 1, q.baseAddress!, Int32(dimension),
                            matrix.baseAddress! + first * dimension, Int32(dimension), 0, c.baseAddress!,
                            Int32(rowsInBlock))
                    }
                }
            }
            scores.withUnsafeBufferPointer { block in
                for query in queries.indices {
                    let start = query * rowsInBlock
                    selectors[query].offer(
                        scores: UnsafeBufferPointer(rebasing: block[start..<(start + rowsInBlock)]), firstRow: first)
                }
            }
            first += rowsInBlock
        }
        return selectors.map { $0.sorted() }
    }
}
