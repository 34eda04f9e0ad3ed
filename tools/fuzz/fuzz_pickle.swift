// libFuzzer target: the strict pickle reader on raw bytes. Built by tools/fuzz/run_fuzzers.sh together
// with Sources/PyTrackFormats (one module), with -sanitize=fuzzer,address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    do {
        for r in try TorchPickleReader.read(bytes, path: "data.pkl") {
            precondition(r.shape.count == r.stride.count && r.storageOffset >= 0 && r.storage.elementCount >= 0)
        }
    } catch {
        FuzzChecks.oneLine(error, path: "data.pkl")
    }
    return 0
}
