/// The pooled AUC of scores that arrive in ascending order, in constant memory: how the
/// impression log's AUC is computed from a database that sorts for us.
///
/// AUC is the probability that a random positive scores above a random negative, a tie
/// counting one half (the Mann-Whitney statistic, which is what scikit-learn's
/// `roc_auc_score` computes from the ROC curve). Equal scores arrive next to each other, so
/// each run of equal scores is one group: its positives beat every negative before the
/// group and tie with the group's negatives. Counts are exact integers in a Double up to
/// 2^53 pairs.
public struct SortedAUC: Sendable {
    private var groupScore: Double?
    private var groupPositives = 0.0
    private var groupNegatives = 0.0
    private var negativesBefore = 0.0
    private var positives = 0.0
    private var wins = 0.0

    public init() {}

    /// The next score, not below the previous one.
    public mutating func add(score: Double, positive: Bool) {
        if score != groupScore { closeGroup(); groupScore = score }
        if positive { groupPositives += 1 } else { groupNegatives += 1 }
    }

    /// Adds a whole run of equal scores at once.
    mutating func addGroup(positives: Double, negatives: Double) {
        closeGroup()
        groupPositives = positives
        groupNegatives = negatives
        closeGroup()
    }

    private mutating func closeGroup() {
        wins += groupPositives * negativesBefore + 0.5 * groupPositives * groupNegatives
        positives += groupPositives
        negativesBefore += groupNegatives
        groupPositives = 0
        groupNegatives = 0
        groupScore = nil
    }

    /// Nil without both positives and negatives.
    public var value: Double? {
        var closed = self
        closed.closeGroup()
        guard closed.positives > 0, closed.negativesBefore > 0 else { return nil }
        return closed.wins / (closed.positives * closed.negativesBefore)
    }
}
