/// The best `k` of a stream of scored rows, without sorting the stream.
///
/// A reservoir rather than a heap: rows that reach the bar are appended to a buffer of
/// twice `k`; when it fills, a quickselect keeps the best `k` and the bar rises to the worst
/// of them. Appending is branch-free and the bar changes only at those compactions, so the
/// scan over a catalog's scores stays a tight loop; a heap instead pays a sift with
/// unpredictable branches for each of the K·ln(N/K) rows that enter, which cost as much as
/// the sgemm.
///
/// Each kept row is one `UInt64` key, the score's bits made order-preserving above the
/// complemented row number, so selecting and sorting compare integers. "Better" is the
/// higher score and, between equal scores, the smaller item id; the key breaks ties by row
/// instead, so wherever equal scores meet (at the bar, in the final order) they are put in
/// id order explicitly. Results never depend on row order.
final class TopK {
    let k: Int
    private let ids: [String]
    private let capacity: Int
    /// `capacity + 8` slots: the scan writes past the kept keys before deciding, and a
    /// group of eight may overshoot the capacity.
    private let keys: UnsafeMutablePointer<UInt64>
    private var count = 0
    /// Rows scoring below it cannot be among the best `k`.
    private var bar = -Float.infinity

    init(k: Int, ids: [String]) {
        precondition(ids.count < Int(UInt32.max), "row numbers are kept in 32 bits")
        self.k = max(0, min(k, ids.count))
        self.ids = ids
        capacity = max(2 * self.k, 16)
        keys = .allocate(capacity: capacity + 8)
    }

    deinit {
        keys.deallocate()
    }

    func offer(score: Float, row: Int) {
        guard k > 0, score >= bar else { return }
        keys[count] = Self.key(score: score, row: row)
        count += 1
        if count >= capacity { compact() }
    }

    /// Offers every score of a block of consecutive rows starting at `firstRow`.
    func offer(scores block: UnsafeBufferPointer<Float>, firstRow: Int) {
        guard k > 0, let base = block.baseAddress else { return }
        let end = block.count
        var index = 0
        while index < end {
            // Up to the next compaction nothing moves the bar. Eight scores at a time are
            // checked against it with one comparison of their maximum; only a group that
            // reaches it is appended, branch-free.
            let bar = self.bar
            var kept = count
            while index < end && kept < capacity {
                if index + 8 <= end {
                    let group = base + index
                    let most = max(
                        max(max(group[0], group[1]), max(group[2], group[3])),
                        max(max(group[4], group[5]), max(group[6], group[7])))
                    if most >= bar {
                        for lane in 0..<8 {
                            keys[kept] = Self.key(score: group[lane], row: firstRow + index + lane)
                            kept += group[lane] >= bar ? 1 : 0
                        }
                    }
                    index += 8
                } else {
                    keys[kept] = Self.key(score: base[index], row: firstRow + index)
                    kept += base[index] >= bar ? 1 : 0
                    index += 1
                }
            }
            count = kept
            if count >= capacity { compact() }
        }
    }

    /// The kept rows, best first.
    func sorted() -> [ScoredItem] {
        if count > k { compact() }
        var kept = UnsafeMutableBufferPointer(start: keys, count: count)
        kept.sort(by: >)
        // Equal scores came out in row order; put each run of them in id order.
        var start = 0
        while start < count {
            var end = start + 1
            let score = Self.score(of: keys[start])
            while end < count && Self.score(of: keys[end]) == score { end += 1 }
            if end - start > 1 { orderById(UnsafeMutableBufferPointer(rebasing: kept[start..<end])) }
            start = end
        }
        return kept.map { ScoredItem(id: ids[Self.row(of: $0)], score: Self.score(of: $0)) }
    }

    /// Keeps the best `k` keys (in no order) and raises the bar to the worst of them.
    private func compact() {
        selectLargest(k)
        let boundary = (0..<k).lazy.map { Self.score(of: self.keys[$0]) }.min()!
        if (k..<count).contains(where: { Self.score(of: keys[$0]) == boundary }) {
            // The bar splits rows of equal score: keep those with the smaller ids.
            let slots = (0..<k).filter { Self.score(of: keys[$0]) == boundary }
            var tied = (0..<count).filter { Self.score(of: keys[$0]) == boundary }.map { keys[$0] }
            tied.withUnsafeMutableBufferPointer { orderById($0) }
            for (slot, key) in zip(slots, tied) { keys[slot] = key }
        }
        count = k
        bar = boundary
    }

    /// Quickselect (Hoare partitions): afterwards keys[0..<n] are the `n` largest. Keys are
    /// distinct, since rows are.
    private func selectLargest(_ n: Int) {
        var low = 0
        var high = count - 1
        let target = n - 1
        while low < high {
            let pivot = Self.median(keys[low], keys[low + (high - low) / 2], keys[high])
            var left = low
            var right = high
            while left <= right {
                while keys[left] > pivot { left += 1 }
                while keys[right] < pivot { right -= 1 }
                if left <= right {
                    (keys[left], keys[right]) = (keys[right], keys[left])
                    left += 1
                    right -= 1
                }
            }
            if target <= right {
                high = right
            } else if target >= left {
                low = left
            } else {
                return
            }
        }
    }

    private func orderById(_ run: UnsafeMutableBufferPointer<UInt64>) {
        var run = run
        run.sort { ids[Self.row(of: $0)] < ids[Self.row(of: $1)] }
    }

    private static func median(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
    }

    /// The score's bits turned so that unsigned order is numeric order (negative scores
    /// complemented), above the complemented row. `+ 0` makes -0 and +0 one score.
    @inline(__always)
    private static func key(score: Float, row: Int) -> UInt64 {
        let bits = (score + 0).bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(~UInt32(truncatingIfNeeded: row))
    }

    @inline(__always)
    private static func score(of key: UInt64) -> Float {
        let ordered = UInt32(truncatingIfNeeded: key >> 32)
        return Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
    }

    @inline(__always)
    private static func row(of key: UInt64) -> Int {
        Int(~UInt32(truncatingIfNeeded: key))
    }
}
