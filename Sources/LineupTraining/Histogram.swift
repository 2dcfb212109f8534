
/// Per-bin sums of gradients and hessians over some rows, every feature's bins end to end:
/// all a tree learner needs to score every split of a node.
///
/// Sums are Doubles, as XGBoost keeps them: a node of a million rows adds a million Float
/// gradients, and Float sums would lose the small differences that decide deep splits.
/// Each slot holds the pair (gradient, hessian), so a row adds both in one vector add.
struct Histogram {
    var sums: [SIMD2<Double>]

    init(slots: Int) {
        sums = Array(repeating: .zero, count: slots)
    }

    init(sums: [SIMD2<Double>]) {
        self.sums = sums
    }

    /// The sums of each node's rows. Rows are summed in fixed chunks of at least `chunkRows`,
    /// every chunk of every node into its own histogram, shared across the cores; each
    /// node's chunks are then added in order. So the result does not depend on how many
    /// threads ran: a seed gives one model on any machine.
    static func sums(
        of nodes: [[Int32]], rowBins: [UInt8], width: Int, offsets: [Int32], slots: Int,
        gradients: UnsafeBufferPointer<Float>, hessians: UnsafeBufferPointer<Float>, parallel: Bool
    ) -> [Histogram] {
        // (node, rows of the chunk)
        var chunks: [(node: Int, range: Range<Int>)] = []
        for (node, rows) in nodes.enumerated() {
            let size = max(chunkRows, (rows.count + maxChunks - 1) / maxChunks)
            var start = 0
            repeat {
                chunks.append((node, start..<min(rows.count, start + size)))
                start += size
            } while start < rows.count
        }
        // Each chunk zeroes its own part on its own core; the first chunk of a node then
        // takes the sums of the others, in order, and becomes the node's histogram.
        let partial = [SIMD2<Double>](unsafeUninitializedCapacity: slots * chunks.count) { buffer, count in
            Parallel.run(chunks.count, parallel: parallel) { chunk in
                let into = UnsafeMutableBufferPointer(rebasing: buffer[chunk * slots..<(chunk + 1) * slots])
                into.initialize(repeating: .zero)
                nodes[chunks[chunk].node].withUnsafeBufferPointer { rows in
                    let rows = UnsafeBufferPointer(rebasing: rows[chunks[chunk].range])
                    accumulate(
                        rows: rows, rowBins: rowBins, width: width, offsets: offsets, gradients: gradients, hessians: hessians,
                        into: into)
                }
            }
            count = slots * chunks.count
        }
        var firstChunk = [Int](repeating: -1, count: nodes.count)
        for (chunk, entry) in chunks.enumerated() where firstChunk[entry.node] < 0 { firstChunk[entry.node] = chunk }
        var histograms = [Histogram](repeating: Histogram(slots: 0), count: nodes.count)
        histograms.withUnsafeMutableBufferPointer { histograms in
            partial.withUnsafeBufferPointer { partial in
                Parallel.run(nodes.count, parallel: parallel) { node in
                    let first = firstChunk[node]
                    var sums = Array(partial[first * slots..<(first + 1) * slots])
                    sums.withUnsafeMutableBufferPointer { sums in
                        var chunk = first + 1
                        while chunk < chunks.count, chunks[chunk].node == node {
                            for slot in 0..<slots { sums[slot] += partial[chunk * slots + slot] }
                            chunk += 1
                        }
                    }
                    histograms[node] = Histogram(sums: sums)
                }
            }
        }
        return histograms
    }

    /// Rows below this many are summed on one thread: a second would cost more than it saves.
    static let chunkRows = 8_192
    static let maxChunks = 16

    private static func accumulate(
        rows: UnsafeBufferPointer<Int32>, rowBins: [UInt8], width: Int, offsets: [Int32],
        gradients: UnsafeBufferPointer<Float>, hessians: UnsafeBufferPointer<Float>,
        into sums: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        rowBins.withUnsafeBufferPointer { rowBins in
            offsets.withUnsafeBufferPointer { offsets in
                let sums = sums.baseAddress!
                for row in rows {
                    let index = Int(row)
                    let pair = SIMD2(Double(gradients[index]), Double(hessians[index]))
                    let bins = rowBins.baseAddress! + index * width
                    for feature in 0..<width { sums[Int(offsets[feature]) &+ Int(bins[feature])] += pair }
                }
            }
        }
    }

    /// The sibling's sums: the parent's minus this node's.
    func subtracted(from parent: Histogram) -> Histogram {
        var result = parent
        result.sums.withUnsafeMutableBufferPointer { result in
            sums.withUnsafeBufferPointer { own in
                for slot in 0..<own.count { result[slot] -= own[slot] }
            }
        }
        return result
    }
}
