/// Doubles as unsigned integers that sort in the same order, and the radix sort of them.
enum OrderedKey {
    /// −0 and +0 map to the same key, as they compare equal.
    @inline(__always)
    static func of(_ value: Double) -> UInt64 {
        let bits = (value + 0).bitPattern  // + 0 turns −0 into +0
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Least-significant-digit radix sort, 11 bits a pass; a pass whose digit is the same
    /// for every key (the high bits of scores in a narrow range, typically) is skipped.
    static func sort(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count > 1 else { return }
        let bits = 11, radix = 1 << 11, passes = (64 + bits - 1) / bits
        var histograms = [Int](repeating: 0, count: radix * passes)
        keys.withUnsafeBufferPointer { keys in
            histograms.withUnsafeMutableBufferPointer { histograms in
                for key in keys {
                    for pass in 0..<passes { histograms[pass * radix + Int((key >> UInt64(pass * bits)) & UInt64(radix - 1))] += 1 }
                }
            }
        }
        var scratch = [UInt64](repeating: 0, count: count)
        for pass in 0..<passes {
            let base = pass * radix
            // Every key in one bucket: this digit orders nothing.
            if histograms[base..<(base + radix)].contains(count) { continue }
            var offsets = [Int](repeating: 0, count: radix)
            var total = 0
            for digit in 0..<radix {
                offsets[digit] = total
                total += histograms[base + digit]
            }
            let shift = UInt64(pass * bits)
            offsets.withUnsafeMutableBufferPointer { offsets in
                keys.withUnsafeBufferPointer { source in
                    scratch.withUnsafeMutableBufferPointer { target in
                        for key in source {
                            let digit = Int((key >> shift) & UInt64(radix - 1))
                            target[offsets[digit]] = key
                            offsets[digit] += 1
                        }
                    }
                }
            }
            // The pass's output is the next pass's input: swapping the arrays moves no key.
            swap(&keys, &scratch)
        }
    }
}
