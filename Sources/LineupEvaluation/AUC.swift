/// The pooled AUC of scores in any order.
public enum AUC {
    /// scikit-learn's `roc_auc_score(positives, scores)`: nil without both classes. Scores
    /// must not be NaN.
    ///
    /// Positives' and negatives' scores are sorted apart (a radix sort: linear time, which is
    /// what makes ten million scores cheap) and merged, so no label travels with a key.
    public static func pooled(scores: [Double], positives: [Bool]) -> Double? {
        precondition(scores.count == positives.count, "one label per score")
        var positive: [UInt64] = []
        var negative: [UInt64] = []
        positive.reserveCapacity(scores.count / 4)
        negative.reserveCapacity(scores.count)
        for (score, isPositive) in zip(scores, positives) {
            precondition(!score.isNaN, "AUC of a NaN score")
            if isPositive { positive.append(OrderedKey.of(score)) } else { negative.append(OrderedKey.of(score)) }
        }
        OrderedKey.sort(&positive)
        OrderedKey.sort(&negative)
        var auc = SortedAUC()
        var p = 0, n = 0
        while p < positive.count || n < negative.count {
            let key = min(p < positive.count ? positive[p] : .max, n < negative.count ? negative[n] : .max)
            var groupPositives = 0.0, groupNegatives = 0.0
            while p < positive.count && positive[p] == key { groupPositives += 1; p += 1 }
            while n < negative.count && negative[n] == key { groupNegatives += 1; n += 1 }
            auc.addGroup(positives: groupPositives, negatives: groupNegatives)
        }
        return auc.value
    }
}
