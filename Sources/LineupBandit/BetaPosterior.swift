import Foundation

/// What the evidence says about one arm's reward rate: a Beta distribution, the conjugate
/// posterior of Bernoulli rewards.
public struct BetaPosterior: Sendable, Equatable, Codable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    public var mean: Double { alpha / (alpha + beta) }

    public var variance: Double {
        let total = alpha + beta
        return alpha * beta / (total * total * (total + 1))
    }

    /// One draw: X / (X + Y) with X ~ Gamma(α) and Y ~ Gamma(β), exact for every α, β > 0.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        let x = Self.gamma(shape: alpha, using: &generator)
        let y = Self.gamma(shape: beta, using: &generator)
        return x / (x + y)
    }

    /// Marsaglia and Tsang's method (2000): a squeezed rejection from a transformed normal,
    /// accepted about 96% of the time or better. For a shape below 1 it draws Gamma(shape + 1)
    /// and scales by U^(1/shape), their boost.
    static func gamma<G: RandomNumberGenerator>(shape: Double, using generator: inout G) -> Double {
        if shape < 1 {
            let boost = pow(Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator), 1 / shape)
            return gamma(shape: shape + 1, using: &generator) * boost
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal(using: &generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    private static func normal<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let angle = Double.random(in: 0..<(2 * .pi), using: &generator)
        return (-2 * log(u)).squareRoot() * cos(angle)
    }
}
