import CLapack

/// Controls the number of threads OpenBLAS uses inside one BLAS/LAPACK call.
///
/// `pytrack compute` parallelises across matrices, so it usually sets this to 1 (or to
/// cores / workers) once at start-up.
public enum BLASThreads {
    /// The current OpenBLAS thread count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the OpenBLAS thread count (values below 1 are treated as 1).
    public static func set(_ threads: Int) {
        openblas_set_num_threads(Int32(clamping: max(1, threads)))
    }
}
