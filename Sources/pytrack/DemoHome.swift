import Foundation

/// Where `pytrack demo` writes by default. In a pytrack checkout (the current folder holds
/// `Package.swift` and `Sources/PyTrackDemoSuite`) it is the checkout, as the README and tools/test.sh
/// expect: `db/demo.sqlite` and `Reports/demo/`. Anywhere else the demo leaves the current folder alone
/// and uses the same two paths under `$XDG_DATA_HOME/pytrack` (default `~/.local/share/pytrack`; the
/// temporary folder when there is no home).
struct DemoHome {
    /// The folder that `db/demo.sqlite` and `Reports/demo` are relative to (`.` in a checkout).
    var base: String
    /// True when `base` is a pytrack checkout (the current folder).
    var isCheckout: Bool

    var database: String { path("db/demo.sqlite") }
    var reports: String { path("Reports/demo") }
    /// The suite's sources in a checkout (used only when no suite ships beside the binary).
    var checkoutSuite: String? { isCheckout ? path("Sources/PyTrackDemoSuite/demo-hub") : nil }
    var checkoutManifest: String? { isCheckout ? path("manifests/demo.json") : nil }

    private func path(_ relative: String) -> String {
        base == "." ? relative : URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(relative).path
    }

    /// The demo home for `directory` (default: the current folder) and `environment`.
    static func current(directory: String = FileManager.default.currentDirectoryPath,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> DemoHome {
        let cwd = URL(fileURLWithPath: directory, isDirectory: true)
        let fm = FileManager.default
        if fm.fileExists(atPath: cwd.appendingPathComponent("Package.swift").path),
           fm.fileExists(atPath: cwd.appendingPathComponent("Sources/PyTrackDemoSuite").path) {
            // Relative paths, as printed and documented (`db/demo.sqlite`, `Reports/demo`).
            return DemoHome(base: ".", isCheckout: true)
        }
        let data: URL
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            data = URL(fileURLWithPath: xdg, isDirectory: true)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            data = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/share", isDirectory: true)
        } else {
            data = fm.temporaryDirectory
        }
        return DemoHome(base: data.appendingPathComponent("pytrack", isDirectory: true).path, isCheckout: false)
    }
}
