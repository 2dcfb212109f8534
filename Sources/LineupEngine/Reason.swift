import Foundation
import LineupRetrieval

/// The sentence shown beside a ranked widget: the engaged widget nearest to it when the
/// user has history ("Because you opened Weekly revenue by region yesterday"), else what
/// the popularity features say.
enum Reason {
    static func sentence(
        for item: RankedItem, features: OnlineFeatures, userId: String, matrix: EmbeddingMatrix, at time: Date
    ) -> String {
        if item.pinned { return "You pinned this" }
        let (engaged, role) = features.engagements(of: userId)
        if let vector = matrix.vector(of: item.itemId), !engaged.isEmpty {
            // The engaged widget most similar to this one; ties to the more recent.
            var best: (id: String, similarity: Float, time: Double)?
            for (id, when) in engaged {
                guard let other = matrix.vector(of: id) else { continue }
                let similarity = zip(vector, other).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                if best == nil || similarity > best!.similarity || (similarity == best!.similarity && when > best!.time) {
                    best = (id, similarity, when)
                }
            }
            if let best, best.similarity > 0.3, let title = features.title(of: best.id) {
                let subject = best.id == item.itemId ? "this" : title
                return "Because you opened \(subject) \(ago(best.time, from: time.timeIntervalSince1970))"
            }
        }
        if let role { return "Popular with \(role) users this week" }
        return "Popular this week"
    }

    /// "today", "yesterday", "3 days ago", "2 weeks ago".
    static func ago(_ then: Double, from now: Double) -> String {
        let days = Int(max(0, now - then) / 86_400)
        switch days {
        case 0: return "today"
        case 1: return "yesterday"
        case 2..<14: return "\(days) days ago"
        default: return "\(days / 7) weeks ago"
        }
    }
}
