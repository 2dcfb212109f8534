import Foundation

/// Two ratio metrics (say engaged widgets per request, users as the unit), a treatment's
/// against the control's: the difference of the delta-method estimates, independent
/// samples, with a normal interval and a two-sided z-test.
public struct RatioComparison: Sendable, Equatable, Codable {
    public var difference: Double
    public var lower: Double
    public var upper: Double
    /// difference / control's ratio; nil when the control's ratio is 0.
    public var relativeLift: Double?
    public var relativeLower: Double?
    public var relativeUpper: Double?
    public var z: Double
    public var pValue: Double

    public init(control: RatioEstimate, treatment: RatioEstimate, confidence: Double = 0.95) {
        let quantile = Normal.quantile(1 - (1 - confidence) / 2)
        difference = treatment.ratio - control.ratio
        let spread = (control.standardError * control.standardError + treatment.standardError * treatment.standardError).squareRoot()
        lower = difference - quantile * spread
        upper = difference + quantile * spread
        if spread > 0 {
            z = difference / spread
            pValue = erfc(abs(z) / 2.0.squareRoot())
        } else {
            z = 0
            pValue = 1
        }
        if control.ratio > 0 {
            relativeLift = difference / control.ratio
            relativeLower = lower / control.ratio
            relativeUpper = upper / control.ratio
        }
    }
}
