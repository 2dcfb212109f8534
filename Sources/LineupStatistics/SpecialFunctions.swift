import Foundation

/// The incomplete beta and gamma functions the distributions need, regularised, by the
/// classic series and continued fractions (Lentz's method), to about 1e-15 relative.
enum SpecialFunctions {
    static let epsilon = 1e-16
    static let tiny = 1e-300
    static let maxIterations = 10_000

    /// I_x(a, b), the regularised incomplete beta function.
    static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x below the mean; use the symmetry
        // I_x(a, b) = 1 − I_{1−x}(b, a) above it.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaFraction(a, b, x) / a
        }
        return 1 - exp(logFront) * betaFraction(b, a, 1 - x) / b
    }

    private static func betaFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...maxIterations {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// Q(a, x) = Γ(a, x)/Γ(a), the regularised upper incomplete gamma function.
    static func incompleteGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let logFront = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            // The series for P converges here.
            var term = 1 / a, sum = term, n = a
            for _ in 0..<maxIterations {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * epsilon { break }
            }
            return 1 - sum * exp(logFront)
        }
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...maxIterations {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return exp(logFront) * h
    }

    /// log B(a, b).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }
}
