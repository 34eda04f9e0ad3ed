// libFuzzer target: the zip directory reader and a whole torch .bin (zip + pickle + tensors).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = FuzzChecks.write(start, count, name: "input.bin")
    do {
        let zip = try ZipDirectory(file: try MappedFile(path: path))
        for e in zip.entries { precondition(e.dataOffset <= count && e.compressedSize <= count - e.dataOffset) }
    } catch {
        FuzzChecks.oneLine(error, path: path)
    }
    do {
        try FuzzChecks.readAll(try Checkpoint.open(path))
    } catch {
        FuzzChecks.oneLine(error, path: path)
    }
    return 0
}
