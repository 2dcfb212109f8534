/// Welch's t-test of per-unit values (each user's engagement rate), a treatment's against
/// the control's: unequal variances, Welch–Satterthwaite degrees of freedom. SciPy's
/// `ttest_ind(treatment, control, equal_var=False)`.
public struct WelchComparison: Sendable, Equatable, Codable {
    /// mean(treatment) − mean(control), with its interval.
    public var difference: Double
    public var lower: Double
    public var upper: Double
    public var t: Double
    public var degreesOfFreedom: Double
    public var pValue: Double

    /// Both samples need at least two values.
    public init(control: [Double], treatment: [Double], confidence: Double = 0.95) {
        precondition(control.count >= 2 && treatment.count >= 2, "Welch's test needs two values a side")
        func moments(_ values: [Double]) -> (mean: Double, variance: Double, n: Double) {
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1), n)
        }
        let a = moments(control), b = moments(treatment)
        let va = a.variance / a.n, vb = b.variance / b.n
        difference = b.mean - a.mean
        let spread = (va + vb).squareRoot()
        guard spread > 0 else {
            (t, degreesOfFreedom, pValue, lower, upper) = (0, a.n + b.n - 2, 1, difference, difference)
            return
        }
        t = difference / spread
        degreesOfFreedom = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
        pValue = StudentT.twoSidedP(t, degreesOfFreedom: degreesOfFreedom)
        let quantile = StudentT.quantile(1 - (1 - confidence) / 2, degreesOfFreedom: degreesOfFreedom)
        lower = difference - quantile * spread
        upper = difference + quantile * spread
    }
}
