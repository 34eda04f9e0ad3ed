// swift-tools-version:6.0
import PackageDescription

// One target per concern; dependencies point one way (see DESIGN notes in README.md):
// Model -> Formats; Hub -> Formats, Model, Store; Compute -> Formats, Model, Stats, Store, Hub (cache layout);
// Report -> Store, Stats; the CLI on top.
let package = Package(
    name: "pytrack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pytrack", targets: ["pytrack"]),
        .library(name: "PyTrackCore", targets: [
            "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackStore",
            "PyTrackHub", "PyTrackCompute", "PyTrackReport",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // PyTrackHub: streaming SHA-256 of multi-GB downloads (BoringSSL's SHA-NI assembly on Linux).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev liblapacke-dev libcurl4-openssl-dev).
        .systemLibrary(name: "CLapack", path: "Sources/CLapack",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),

        // Zip (torch .bin) is read by our own small zip64-aware directory reader over the mmap:
        // ZIPFoundation extracts entries by copying, and tensor data must be read in place.
        .target(name: "PyTrackFormats"),
        .target(name: "PyTrackModel", dependencies: ["PyTrackFormats"]),
        .target(name: "PyTrackStats", dependencies: ["CLapack"]),
        .target(name: "PyTrackStore", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "PyTrackHub", dependencies: [
            "CCurl", "PyTrackFormats", "PyTrackModel", "PyTrackStore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "PyTrackCompute", dependencies: [
            "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackStore", "PyTrackHub",
        ]),
        .target(name: "PyTrackReport", dependencies: ["PyTrackStore", "PyTrackStats"]),
        .executableTarget(name: "pytrack", dependencies: [
            "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackStore",
            "PyTrackHub", "PyTrackCompute", "PyTrackReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: runs the built `pytrack` executable, probes python3 modules.
        .target(name: "PyTrackTestSupport", path: "Tests/PyTrackTestSupport"),

        .testTarget(name: "PyTrackFormatsTests", dependencies: ["PyTrackFormats"]),
        .testTarget(name: "PyTrackModelTests", dependencies: ["PyTrackModel", "PyTrackFormats"]),
        .testTarget(name: "PyTrackStatsTests", dependencies: ["PyTrackStats"]),
        .testTarget(name: "PyTrackStoreTests", dependencies: ["PyTrackStore"]),
        .testTarget(name: "PyTrackHubTests", dependencies: ["PyTrackHub", "PyTrackStore", "PyTrackModel", "PyTrackTestSupport"]),
        .testTarget(name: "PyTrackComputeTests", dependencies: [
            "PyTrackCompute", "PyTrackStore", "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackTestSupport",
        ]),
        .testTarget(name: "PyTrackReportTests", dependencies: ["PyTrackReport", "PyTrackStore", "PyTrackStats", "PyTrackTestSupport"]),
        .testTarget(name: "pytrackTests", dependencies: ["pytrack", "PyTrackTestSupport", "PyTrackStore"]),
    ],
    swiftLanguageModes: [.v5]
)
