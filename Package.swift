// swift-tools-version:6.0
import PackageDescription

/// Targets migrated to the Swift 6 language mode (complete concurrency checking); the rest follow.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// One target per concern; dependencies point one way (docs/architecture.md):
// Domain and Content at the bottom; Cache -> Formats, Content; Model -> Domain, Formats; Store -> Domain;
// Hub -> Cache, Formats, Model, Content (no Store); Compute -> Cache, Formats, Model, Stats, Store, Content (no Hub);
// Report -> Domain, Store, Stats;
// LocalHub (a hub on sockets) and DemoSuite (resources) stand alone; the CLI on top.
let package = Package(
    name: "pytrack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pytrack", targets: ["pytrack"]),
        .library(name: "PyTrackCore", targets: [
            "PyTrackCache", "PyTrackContent", "PyTrackDomain", "PyTrackFormats", "PyTrackModel", "PyTrackStats",
            "PyTrackStore", "PyTrackWorkers", "PyTrackHub", "PyTrackCompute", "PyTrackReport", "PyTrackLocalHub",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev liblapacke-dev libcurl4-openssl-dev).
        .systemLibrary(name: "CLapack", path: "Sources/CLapack",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL",
                       providers: [.apt(["libssl-dev"])]),

        // SHA-256 (OpenSSL EVP) and the checkpoint content key shared by sync and compute.
        .target(name: "PyTrackContent", dependencies: ["COpenSSL"], swiftSettings: swift6),

        // The huggingface_hub cache layout (validated paths, located checkpoints), no network: under Hub and Compute.
        .target(name: "PyTrackCache", dependencies: ["PyTrackFormats", "PyTrackContent"], swiftSettings: swift6),

        // The one worker-thread pool and work queue compute and sync share.
        .target(name: "PyTrackWorkers", swiftSettings: swift6),

        // Typed domain values every stage shares (run groups, ...): no dependencies.
        .target(name: "PyTrackDomain", swiftSettings: swift6),

        // Zip (torch .bin) is read by our own small zip64-aware directory reader over the mmap:
        // ZIPFoundation extracts entries by copying, and tensor data must be read in place.
        .target(name: "PyTrackFormats", swiftSettings: swift6),
        .target(name: "PyTrackModel", dependencies: ["PyTrackDomain", "PyTrackFormats"], swiftSettings: swift6),
        .target(name: "PyTrackStats", dependencies: ["CLapack"], swiftSettings: swift6),
        .target(name: "PyTrackStore", dependencies: [
            "PyTrackDomain",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: swift6),
        .target(name: "PyTrackHub", dependencies: [
            "CCurl", "PyTrackCache", "PyTrackDomain", "PyTrackFormats", "PyTrackModel", "PyTrackContent", "PyTrackWorkers",
        ], swiftSettings: swift6),
        .target(name: "PyTrackCompute", dependencies: [
            "PyTrackCache", "PyTrackDomain", "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackStore", "PyTrackContent",
            "PyTrackWorkers",
        ], swiftSettings: swift6),
        .target(name: "PyTrackReport", dependencies: ["PyTrackDomain", "PyTrackStore", "PyTrackStats"], swiftSettings: swift6),
        // A local Hugging Face hub on POSIX sockets (HTTP/1.1, two listeners): serves the demo suite
        // without Python. Not SwiftNIO: that stack adds minutes to every clean build.
        .target(name: "PyTrackLocalHub", dependencies: ["PyTrackContent", "PyTrackDomain"], swiftSettings: swift6),
        // The embedded demo suite and its manifest, shipped as resources beside the binary.
        .target(name: "PyTrackDemoSuite", resources: [.copy("demo-hub"), .copy("demo.json")], swiftSettings: swift6),
        .executableTarget(name: "pytrack", dependencies: [
            "PyTrackCache", "PyTrackDomain", "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackStore",
            "PyTrackHub", "PyTrackCompute", "PyTrackReport", "PyTrackLocalHub", "PyTrackDemoSuite",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swift6),

        // Shared by the test targets: runs the built `pytrack` executable, probes python3 modules.
        .target(name: "PyTrackTestSupport", path: "Tests/PyTrackTestSupport"),

        .testTarget(name: "PyTrackCacheTests", dependencies: ["PyTrackCache"]),
        .testTarget(name: "PyTrackWorkersTests", dependencies: ["PyTrackWorkers"]),
        .testTarget(name: "PyTrackDomainTests", dependencies: ["PyTrackDomain"]),
        .testTarget(name: "PyTrackContentTests", dependencies: ["PyTrackContent", "PyTrackTestSupport"]),
        .testTarget(name: "PyTrackFormatsTests", dependencies: ["PyTrackFormats"]),
        .testTarget(name: "PyTrackModelTests", dependencies: ["PyTrackModel", "PyTrackFormats", "PyTrackDomain"]),
        .testTarget(name: "PyTrackStatsTests", dependencies: ["PyTrackStats"]),
        .testTarget(name: "PyTrackStoreTests", dependencies: ["PyTrackStore", "PyTrackDomain"]),
        .testTarget(name: "PyTrackHubTests", dependencies: ["PyTrackHub", "PyTrackCache", "PyTrackDomain", "PyTrackStore", "PyTrackModel", "PyTrackContent", "PyTrackTestSupport"]),
        .testTarget(name: "PyTrackComputeTests", dependencies: [
            "PyTrackCompute", "PyTrackCache", "PyTrackDomain", "PyTrackStore", "PyTrackFormats", "PyTrackModel", "PyTrackStats", "PyTrackTestSupport",
        ]),
        .testTarget(name: "PyTrackReportTests", dependencies: ["PyTrackReport", "PyTrackDomain", "PyTrackStore", "PyTrackStats", "PyTrackTestSupport"]),
        .testTarget(name: "PyTrackLocalHubTests", dependencies: ["PyTrackLocalHub", "PyTrackHub", "PyTrackTestSupport"]),
        .testTarget(name: "PyTrackDemoSuiteTests", dependencies: ["PyTrackDemoSuite", "PyTrackTestSupport"]),
        .testTarget(name: "pytrackTests", dependencies: [
            "pytrack", "PyTrackTestSupport", "PyTrackStore", "PyTrackDomain", "PyTrackHub", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
