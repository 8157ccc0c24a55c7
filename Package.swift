// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "recallfs",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recallfs", targets: ["recallfs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // The metrics endpoint (`--metrics-addr`). No traits: its FullFoundation trait would link
        // Foundation and ICU into the daemon, which uses FoundationEssentials only.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
    ],
    targets: [
        // C shims only.
        .systemLibrary(name: "CFuse", pkgConfig: "fuse3", providers: [.apt(["libfuse3-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Document stores: the protocol, Pensieve's SQLite database, our own FTS5 index, a mock.
        .target(name: "Store", dependencies: [
            "CSQLite", "CCurl",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Pensieve's PostgreSQL database through libpq: search on the server, read replicas (issue 12).
        .target(name: "PostgresStore", dependencies: [
            "Store", "CPostgres",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The pressure-aware two-tier cache (memory S3-FIFO, CRC-checked disk), the pressure monitor,
        // and the caching store decorator.
        .target(name: "Cache", dependencies: ["Store"]),
        // Path/inode model, query parsing, document rendering: pure Swift, no FUSE.
        .target(name: "Tree", dependencies: [
            "Store", "Cache",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The files under .status/, rendered from what each layer reports (Prometheus lives here).
        .target(name: "StatusFiles", dependencies: [
            "Tree", "Store", "Cache",
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // `--metrics-addr`: /metrics and /health over HTTP, on Hummingbird's threads (never FUSE's).
        .target(name: "MetricsEndpoint", dependencies: [
            "StatusFiles",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        // A thin libfuse3 low-level bridge that only translates calls into Tree.
        .target(name: "FUSEBridge", dependencies: [
            "CFuse", "Tree",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "recallfs", dependencies: [
            "FUSEBridge", "StatusFiles", "MetricsEndpoint", "Tree", "Store", "PostgresStore", "Cache",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Replays a recorded cache trace through S3-FIFO and LRU (bench/cache-bench.sh).
        .executableTarget(name: "cachesim", dependencies: ["Cache"]),
        // Test doubles and helpers shared by the test targets: a mock store, a fault-injecting API
        // store, a seeded random generator. Never linked into the daemon.
        .target(name: "TestSupport", dependencies: ["Store"], path: "Sources/TestSupport"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "Store"]),
        .testTarget(name: "CacheTests", dependencies: ["Cache", "Store", "TestSupport"]),
        .testTarget(name: "TreeTests", dependencies: ["Tree", "StatusFiles", "Store", "Cache", "TestSupport"]),
    ]
)
