import Foundation

/// The demo suite shipped with the executable: a SYNTHETIC, really trained tiny GPT-NeoX suite in hub
/// layout (`demo-hub/<org>/<name>/<revision>/<files>`, see demo-hub/README.md) and the manifest that
/// names its runs (`demo.json`, a copy of manifests/demo.json). SwiftPM copies both into the resource
/// folder `pytrack_PyTrackDemoSuite.resources` beside the built binary; keep that folder next to the
/// binary when installing it (or under `<prefix>/share/pytrack/` for a binary in `<prefix>/bin/`).
public enum DemoSuite {
    /// The resource folder's name (`<package>_<target>.resources`, SwiftPM's name on Linux).
    public static let resourceFolderName = "pytrack_PyTrackDemoSuite.resources"

    /// The running executable, symbolic links resolved.
    public static func executableURL() -> URL? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path).resolvingSymlinksInPath()
        }
        #endif
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }

    /// Where the resource folder may be, in the order searched, for an executable at `executable`.
    public static func candidates(executable: URL) -> [URL] {
        let dir = executable.deletingLastPathComponent()
        let macBundle = "pytrack_PyTrackDemoSuite.bundle"
        return [
            dir.appendingPathComponent(resourceFolderName, isDirectory: true),
            dir.appendingPathComponent(macBundle, isDirectory: true).appendingPathComponent("Contents/Resources", isDirectory: true),
            dir.appendingPathComponent(macBundle, isDirectory: true),
            dir.deletingLastPathComponent().appendingPathComponent("share/pytrack", isDirectory: true)
                .appendingPathComponent(resourceFolderName, isDirectory: true),
        ]
    }

    /// The first candidate resource folder that holds `demo-hub/`, or nil.
    public static func resources(executable: URL? = executableURL()) -> URL? {
        guard let executable else { return nil }
        return candidates(executable: executable).first { url in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent("demo-hub").path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    /// The suite's hub root inside a resource folder.
    public static func hubRoot(in resources: URL) -> URL {
        resources.appendingPathComponent("demo-hub", isDirectory: true)
    }

    /// The demo manifest inside a resource folder.
    public static func manifest(in resources: URL) -> URL {
        resources.appendingPathComponent("demo.json")
    }
}
