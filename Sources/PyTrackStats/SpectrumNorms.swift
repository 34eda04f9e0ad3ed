/// Norms and ranks derived from the singular values (and the element sum of squares).
public struct SpectrumNorms: Sendable {
    /// ||W||_F, from the elements in Double.
    public let frobenius: Double
    /// sigma_max.
    public let spectral: Double
    /// sum sigma_i.
    public let nuclear: Double
    /// ||W||_F^2 / sigma_max^2.
    public let stableRank: Double
    /// exp(H(p)), p_i = sigma_i / sum sigma (Roy & Vetterli); 0 terms contribute 0.
    public let effectiveRank: Double

    /// Builds the norms from the element sum of squares and the singular values.
    public init(sumOfSquares: Double, singularValues: [Double]) {
        frobenius = sumOfSquares.squareRoot()
        spectral = singularValues.max() ?? .nan
        nuclear = singularValues.reduce(0, +)
        stableRank = spectral > 0 ? sumOfSquares / (spectral * spectral) : .nan
        if nuclear > 0 {
            var h = 0.0
            for s in singularValues where s > 0 { let p = s / nuclear; h -= p * _log(p) }
            effectiveRank = _exp(h)
        } else {
            effectiveRank = .nan
        }
    }
}
