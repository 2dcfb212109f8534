import LineupStore

/// Where a user falls in an experiment: a pure function of the salt and the user id, the
/// same on every replica and restart and whatever the order of requests.
///
/// The salt and id are hashed with 64-bit FNV-1a (a zero byte between them, so "ab"+"c"
/// and "a"+"bc" differ), then mixed by SplitMix64's finaliser, which spreads FNV's weak
/// low bits over the whole word; the top 53 bits make a number in [0, 1). That number is
/// looked up in the variants' cumulative weights. Two experiments with different salts
/// hash to unrelated numbers, so their splits are independent.
public enum Assignment {
    public static func unit(salt: String, userId: String) -> Double {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for byte in salt.utf8 { add(byte) }
        add(0)
        for byte in userId.utf8 { add(byte) }
        var z = hash &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }

    /// The user's variant: the first whose cumulative share of the total weight exceeds
    /// the user's unit.
    public static func variant(of experiment: Experiment, userId: String) -> Experiment.Variant {
        let total = experiment.variants.reduce(0) { $0 + $1.weight }
        let point = unit(salt: experiment.salt, userId: userId) * total
        var cumulative = 0.0
        for variant in experiment.variants {
            cumulative += variant.weight
            if point < cumulative { return variant }
        }
        return experiment.variants[experiment.variants.count - 1]
    }
}
