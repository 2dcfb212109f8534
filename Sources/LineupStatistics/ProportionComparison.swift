import Foundation

/// Two proportions, a treatment's against the control's: the question "does the variant
/// engage more requests?".
///
/// The difference has a Wald interval with unpooled variances; the relative lift
/// (p_B / p_A − 1) an interval from the normal approximation of the log ratio; the test is
/// the pooled two-proportion z-test, two-sided. These are statsmodels'
/// `confint_proportions_2indep` (`diff`/`wald`, `ratio`/`log`) and `proportions_ztest`.
public struct ProportionComparison: Sendable, Equatable, Codable {
    public var difference: Double
    public var differenceLower: Double
    public var differenceUpper: Double
    /// nil when the control engaged nothing (no ratio to speak of).
    public var relativeLift: Double?
    /// nil also when the treatment engaged nothing: the log ratio has no interval then.
    public var relativeLower: Double?
    public var relativeUpper: Double?
    public var z: Double
    public var pValue: Double

    public init(
        controlSuccesses: Double, controlTrials: Double, treatmentSuccesses: Double, treatmentTrials: Double,
        confidence: Double = 0.95
    ) {
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        let pA = controlSuccesses / controlTrials, pB = treatmentSuccesses / treatmentTrials
        difference = pB - pA
        let spread = (pA * (1 - pA) / controlTrials + pB * (1 - pB) / treatmentTrials).squareRoot()
        differenceLower = difference - z * spread
        differenceUpper = difference + z * spread
        let ratio = pB / pA
        relativeLift = controlSuccesses > 0 ? ratio - 1 : nil
        if controlSuccesses > 0, treatmentSuccesses > 0 {
            let logSpread = (1 / treatmentSuccesses - 1 / treatmentTrials + 1 / controlSuccesses - 1 / controlTrials).squareRoot()
            relativeLower = ratio * exp(-z * logSpread) - 1
            relativeUpper = ratio * exp(z * logSpread) - 1
        }
        let pooled = (controlSuccesses + treatmentSuccesses) / (controlTrials + treatmentTrials)
        let pooledSpread = (pooled * (1 - pooled) * (1 / controlTrials + 1 / treatmentTrials)).squareRoot()
        if pooledSpread > 0 {
            self.z = difference / pooledSpread
            pValue = erfc(abs(self.z) / 2.0.squareRoot())
        } else {
            // Every request engaged, or none, in both arms: no evidence of a difference.
            self.z = 0
            pValue = 1
        }
    }
}
