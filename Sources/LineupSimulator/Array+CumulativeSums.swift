extension Array where Element == Double {
    /// Running sums, for `nextIndex(cumulative:)`.
    func cumulativeSums() -> [Double] {
        var total = 0.0
        return map { weight in
            total += Swift.max(weight, 0)
            return total
        }
    }
}
