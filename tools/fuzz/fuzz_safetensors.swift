// libFuzzer target: a safetensors file (header parser, validation, then every tensor read).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = FuzzChecks.write(start, count, name: "input.safetensors")
    do {
        let st = try SafetensorsFile.open(path)
        precondition(st.tensors.reduce(0) { $0 + $1.byteCount } <= count)
        try FuzzChecks.readAll(try Checkpoint.open(path))
    } catch {
        FuzzChecks.oneLine(error, path: path)
    }
    return 0
}
