import Foundation

/// The machine's python3, which the tests use for independent references (numpy, scipy,
/// huggingface_hub, selenium).
public enum Python {
    /// True when `python3 -c "import <module>"` succeeds.
    public static func canImport(_ module: String) -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import \(module)"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }
}
