/// The chi-square distribution, for the sample-ratio test.
public enum ChiSquared {
    /// P(X > x) with `degreesOfFreedom` degrees of freedom.
    public static func survival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        SpecialFunctions.incompleteGammaQ(df / 2, x / 2)
    }
}
