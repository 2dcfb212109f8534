/// The best `k` of a stream of scored rows, without sorting the stream.
///
/// A reservoir rather than a heap: rows that reach the bar are appended to a buffer of
/// twice `k`; when it fills, a quickselect keeps the best `k` and the bar rises to the worst
/// of them. The bar changes only at those compactions, so the scan over a catalog's scores
/// stays a tight loop; a heap instead pays a sift with unpredictable branches for each of
/// the K·ln(N/K) rows that enter, which cost as much as the sgemm. For the same reason the
/// quickselect and the final sort partition without branching on the data: on random
/// scores, Hoare's swapping loops mispredict every other comparison, which made them cost
/// a tenth of a 64-query batch.
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
    /// `capacity + 16` slots: the scan writes past the kept keys before deciding, and a
    /// group of sixteen may overshoot the capacity.
    private let keys: UnsafeMutablePointer<UInt64>
    /// Scratch as large as `keys`, for the partitions.
    private let spare: UnsafeMutablePointer<UInt64>
    private var count = 0
    /// Rows scoring below it cannot be among the best `k`.
    private var bar = -Float.infinity

    init(k: Int, ids: [String]) {
        precondition(ids.count < Int(UInt32.max), "row numbers are kept in 32 bits")
        self.k = max(0, min(k, ids.count))
        self.ids = ids
        capacity = max(2 * self.k, 16)
        keys = .allocate(capacity: capacity + 16)
        spare = .allocate(capacity: capacity + 16)
    }

    deinit {
        keys.deallocate()
        spare.deallocate()
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
        let raw = UnsafeRawPointer(base)
        let end = block.count
        var index = 0
        while index < end {
            // Up to the next compaction nothing moves the bar. Sixteen scores at a time are
            // checked against it with two vector comparisons and one test; only a group
            // that reaches it looks at its lanes.
            let bar = self.bar
            let bars = SIMD8<Float>(repeating: bar)
            var kept = count
            while index + 16 <= end && kept < capacity {
                let low = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                let high = raw.loadUnaligned(fromByteOffset: index * 4 + 32, as: SIMD8<Float>.self)
                let reached = (low .>= bars) .| (high .>= bars)
                if any(reached) {
                    // Only the lanes that reach the bar, lowest first: by the time the bar
                    // is high, a group that reaches it usually holds one such row.
                    var lanes = Self.bits(low .>= bars) | Self.bits(high .>= bars) << 8
                    while lanes != 0 {
                        let lane = lanes.trailingZeroBitCount
                        keys[kept] = Self.key(score: base[index + lane], row: firstRow + index + lane)
                        kept += 1
                        lanes &= lanes - 1
                    }
                }
                index += 16
            }
            while index < end && index + 16 > end && kept < capacity {
                keys[kept] = Self.key(score: base[index], row: firstRow + index)
                kept += base[index] >= bar ? 1 : 0
                index += 1
            }
            count = kept
            if count >= capacity { compact() }
        }
    }

    /// The kept rows, best first.
    func sorted() -> [ScoredItem] {
        if count > k { compact() }
        let kept = UnsafeMutableBufferPointer(start: keys, count: count)
        sortDescending(0, count)
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

    /// Quickselect: afterwards keys[0..<n] are the `n` largest. Keys are distinct, since rows
    /// are.
    private func selectLargest(_ n: Int) {
        var low = 0
        var high = count
        while high - low > 1 {
            let split = partition(low, high)
            if split == n || split + 1 == n { return }
            if split > n { high = split } else { low = split + 1 }
        }
    }

    /// Quicksort, largest first, with insertion sort for short runs.
    private func sortDescending(_ low: Int, _ high: Int) {
        var low = low
        var high = high
        while high - low > 16 {
            let split = partition(low, high)
            // Recurse into the shorter side, so the depth stays logarithmic.
            if split - low < high - split {
                sortDescending(low, split)
                low = split + 1
            } else {
                sortDescending(split + 1, high)
                high = split
            }
        }
        guard high - low > 1 else { return }
        for index in (low + 1)..<high {
            let key = keys[index]
            var slot = index
            while slot > low && keys[slot - 1] < key {
                keys[slot] = keys[slot - 1]
                slot -= 1
            }
            keys[slot] = key
        }
    }

    /// Splits keys[low..<high] around the median of its first, middle and last keys: the
    /// keys above it first, then it, then those below; returns its index. Each other key is
    /// written to both ends of the scratch and one comparison decides which end advances,
    /// so the data never decides a branch.
    private func partition(_ low: Int, _ high: Int) -> Int {
        let last = high - 1
        let middle = low + (high - low) / 2
        let pivotIndex = Self.medianIndex(low, middle, last, keys)
        let pivot = keys[pivotIndex]
        keys[pivotIndex] = keys[last]
        var above = low
        var below = last
        for index in low..<last {
            let key = keys[index]
            spare[above] = key
            spare[below] = key
            let step = key > pivot ? 1 : 0
            above &+= step
            below &-= 1 &- step
        }
        // The slot between the two ends is the pivot's.
        spare[above] = pivot
        (keys + low).update(from: spare + low, count: high - low)
        return above
    }

    private func orderById(_ run: UnsafeMutableBufferPointer<UInt64>) {
        var run = run
        run.sort { ids[Self.row(of: $0)] < ids[Self.row(of: $1)] }
    }

    private static func medianIndex(_ a: Int, _ b: Int, _ c: Int, _ keys: UnsafeMutablePointer<UInt64>) -> Int {
        let (x, y, z) = (keys[a], keys[b], keys[c])
        if x < y {
            return y < z ? b : (x < z ? c : a)
        }
        return x < z ? a : (y < z ? c : b)
    }

    /// The score's bits turned so that unsigned order is numeric order (negative scores
    /// complemented), above the complemented row. `+ 0` makes -0 and +0 one score.
    @inline(__always)
    private static func key(score: Float, row: Int) -> UInt64 {
        let bits = (score + 0).bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(~UInt32(truncatingIfNeeded: row))
    }

    /// Bit `i` set when lane `i` is.
    @inline(__always)
    private static func bits(_ mask: SIMDMask<SIMD8<Int32>>) -> UInt32 {
        let lanes = unsafeBitCast(mask, to: SIMD8<Int32>.self) & SIMD8(1, 2, 4, 8, 16, 32, 64, 128)
        return UInt32(truncatingIfNeeded: lanes.wrappedSum())
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
