
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

    /// The sums of each node's rows. Rows are summed in fixed chunks of at least `chunkRows`,
    /// every chunk of every node into its own histogram, shared across the cores; each
    /// node's chunks are then added in order. So the result does not depend on how many
    /// threads ran: a seed gives one model on any machine.
    static func sums(
        of nodes: [[Int32]], rowSlots: RowSlots, slots: Int,
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
        var partial = [SIMD2<Double>](repeating: .zero, count: slots * chunks.count)
        partial.withUnsafeMutableBufferPointer { partial in
            Parallel.run(chunks.count, parallel: parallel) { chunk in
                nodes[chunks[chunk].node].withUnsafeBufferPointer { rows in
                    let into = UnsafeMutableBufferPointer(rebasing: partial[chunk * slots..<(chunk + 1) * slots])
                    let rows = UnsafeBufferPointer(rebasing: rows[chunks[chunk].range])
                    switch rowSlots {
                    case .narrow(let cells, let width):
                        accumulate(rows: rows, cells: cells, width: width, gradients: gradients, hessians: hessians, into: into)
                    case .wide(let cells, let width):
                        accumulate(rows: rows, cells: cells, width: width, gradients: gradients, hessians: hessians, into: into)
                    }
                }
            }
        }
        var histograms = (0..<nodes.count).map { _ in Histogram(slots: slots) }
        for (chunk, (node, _)) in chunks.enumerated() {
            histograms[node].sums.withUnsafeMutableBufferPointer { sums in
                partial.withUnsafeBufferPointer { partial in
                    for slot in 0..<slots { sums[slot] += partial[chunk * slots + slot] }
                }
            }
        }
        return histograms
    }

    /// Rows below this many are summed on one thread: a second would cost more than it saves.
    static let chunkRows = 8_192
    static let maxChunks = 16

    private static func accumulate<Slot: FixedWidthInteger>(
        rows: UnsafeBufferPointer<Int32>, cells: [Slot], width: Int,
        gradients: UnsafeBufferPointer<Float>, hessians: UnsafeBufferPointer<Float>,
        into sums: UnsafeMutableBufferPointer<SIMD2<Double>>
    ) {
        cells.withUnsafeBufferPointer { cells in
            let sums = sums.baseAddress!
            for row in rows {
                let index = Int(row)
                let pair = SIMD2(Double(gradients[index]), Double(hessians[index]))
                let slots = cells.baseAddress! + index * width
                for feature in 0..<width { sums[Int(slots[feature])] += pair }
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
