/// The numerical rank of a spectrum: eigenvalues lambda = sigma^2 below max(m, n) * eps * lambda_max
/// (eps = Double.ulpOfOne) count as zero, i.e. singular values below sqrt(max(m, n) * eps) * sigma_max.
/// The threshold is numpy's `matrix_rank` rule applied to the eigenvalues of the Gram matrix, which is
/// what `SingularValues` diagonalises: that is the precision its small eigenvalues have, so anything
/// below it is round-off (a constant matrix has rank 1, its other "singular values" are noise).
public struct NumericalRank: Sendable {
    /// Number of singular values above the threshold.
    public let rank: Int
    /// The singular-value threshold.
    public let threshold: Double
    /// The number of singular values (the short side of the matrix).
    public let count: Int

    /// The rank of `singularValues` (any order) of a `rows x cols` matrix.
    public init(singularValues: [Double], rows: Int, cols: Int) {
        let top = singularValues.max() ?? 0
        let t = (Double(max(rows, cols)) * Double.ulpOfOne).squareRoot() * top
        threshold = t
        rank = top > 0 ? singularValues.filter { $0 > t }.count : 0
        count = singularValues.count
    }

    /// Whether every singular value is above the threshold.
    public var isFull: Bool { rank == count && count > 0 }

    /// The singular values with those below the threshold set to 0.
    public func cleaned(_ singularValues: [Double]) -> [Double] {
        singularValues.map { $0 > threshold ? $0 : 0 }
    }
}
