import Foundation
import LineupAnalysis

/// `lineup eval --layouts` as tables.
struct LayoutReport {
    let evaluation: LayoutEvaluation

    var text: String {
        func f(_ value: Double?, _ digits: Int = 4) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "—" }
        var lines = [
            "surface \(evaluation.surface): \(evaluation.decisions) layout decisions, \(evaluation.pending) still in their window",
            "",
            "arm                  decisions  settled  rewards  rate     95% interval       posterior mean  P(best)",
        ]
        for arm in evaluation.arms {
            let label = arm.arm + (arm.retired ? " (retired)" : "")
            lines.append(
                label.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + " " + String(arm.decisions).leftPadded(9) + String(arm.settled).leftPadded(9)
                    + String(arm.rewards).leftPadded(9) + "  " + f(arm.rewardRate.rate)
                    + "   [\(f(arm.rewardRate.lower)), \(f(arm.rewardRate.upper))]   "
                    + f(arm.posteriorMean).leftPadded(14) + f(arm.probabilityBest, 3).leftPadded(9))
        }
        lines += [
            "",
            "policy (off-policy, settled decisions)   IPS     95% interval        SNIPS   95% interval        effective n",
        ]
        for policy in evaluation.policies {
            let e = policy.estimate
            lines.append(
                policy.policy.padding(toLength: 40, withPad: " ", startingAt: 0) + " " + f(e.ips)
                    + "  [\(f(e.ipsLower)), \(f(e.ipsUpper))]   " + f(e.snips) + "  [\(f(e.snipsLower)), \(f(e.snipsUpper))]   "
                    + String(format: "%.0f", e.effectiveSampleSize))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
