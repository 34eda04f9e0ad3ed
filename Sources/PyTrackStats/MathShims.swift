#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers so every file uses the same libm entry points (no Foundation needed).
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func _erfc(_ x: Double) -> Double { erfc(x) }
@inline(__always) func _atan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
@inline(__always) func _acos(_ x: Double) -> Double { acos(x) }
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func _log1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) func _lgamma(_ x: Double) -> Double { lgamma(x) }
@inline(__always) func _asinh(_ x: Double) -> Double { asinh(x) }
@inline(__always) func _sinh(_ x: Double) -> Double { sinh(x) }
