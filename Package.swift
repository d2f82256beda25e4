// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Linux only (glibc's allocator calls in `CMalloc`, PROJ and SQLite from apt, `/proc` in tests):
// the package declares no Apple platform rather than claim one it is not built or tested on.
let package = Package(
    name: "GeoContacts",
    products: [
        .library(name: "Geodesy", targets: ["Geodesy"]),
        .library(name: "SpatialIndex", targets: ["SpatialIndex"]),
        .library(name: "GeoContacts", targets: ["GeoContacts"]),
        // Data generator and brute-force oracles shared by tests and Benchmarks/.
        .library(name: "GeoDataGeneration", targets: ["GeoDataGeneration"]),
        .library(name: "GeoContactsSQLite", targets: ["GeoContactsSQLite"]),
        .library(name: "GeoContactsInterchange", targets: ["GeoContactsInterchange"]),
        .library(name: "GeoContactsServer", targets: ["GeoContactsServer"]),
        .library(name: "GeoContactsPostgres", targets: ["GeoContactsPostgres"]),
        .executable(name: "geocontacts", targets: ["geocontacts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // The HTTP service only (GeoContactsServer and the executable); never the core targets.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The PostgreSQL store only (GeoContactsPostgres); never the core targets.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already in the graph through HummingbirdTesting; `import --server` posts with it.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),  // NIOHTTP1: the client's request types
        // `swift package generate-documentation` (DocC) for the core targets; a plugin, linked into nothing.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Tests only: isApproximatelyEqual for tolerances.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // Test-only: runs the built `geocontacts` (GeoContactsTestSupport's CommandLineTool).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // Tests only: a client generated from the served OpenAPI document (build plugin), over
        // AsyncHTTPClient, in GeoContactsOpenAPIClientTests.
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
    ],
    targets: [
        // PROJ (proj.h, geodesic.h) as a system library: Debian's libproj-dev.
        .systemLibrary(
            name: "CProj",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"])]
        ),
        // glibc's malloc.h (mallinfo2) for `geocontacts stats --memory`.
        .systemLibrary(name: "CMalloc"),
        // A prefetch hint for the R-tree's nearest search (`__builtin_prefetch`).
        .systemLibrary(name: "CPrefetch"),
        // The PROJ bridge: CRS → WGS84 normalization and WGS84 geodesics.
        .target(name: "Geodesy", dependencies: ["CProj"], swiftSettings: strict),
        // The R-tree over WGS84 points: exact nearest, radius and box queries.
        .target(
            name: "SpatialIndex",
            dependencies: ["Geodesy", "CPrefetch", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: strict
        ),
        // Embedded durable storage over SQLite (GRDB): the journal with group commit, schema
        // migrations, and opening a data folder into a ready directory. No SQL elsewhere.
        .target(
            name: "GeoContactsSQLite",
            dependencies: [
                "GeoContacts", "Geodesy", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // Shared durable storage over PostgreSQL + PostGIS (issue 13): migrations, the journal
        // with a per-customer version and change feed, restoring every customer at start.
        .target(
            name: "GeoContactsPostgres",
            dependencies: [
                "GeoContacts", "Geodesy",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // File formats of import/export (CSV, GeoJSON, NDJSON) with per-line problems.
        .target(name: "GeoContactsInterchange", dependencies: ["GeoContacts", "Geodesy"], swiftSettings: strict),
        // The domain: contact model and wire types, validation, problems, per-customer
        // snapshots with group / hierarchy / reference / spatial indexes, queries.
        .target(
            name: "GeoContacts",
            dependencies: [
                "Geodesy",
                "SpatialIndex",
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),  // API only: the journals' metrics
            ],
            swiftSettings: strict
        ),
        // The HTTP service: Hummingbird 2 routes, JWT auth, problem+json, OpenAPI document.
        .target(
            name: "GeoContactsServer",
            dependencies: [
                "GeoContacts",
                "Geodesy",
                "GeoDataGeneration",  // the sample data
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: strict
        ),
        // The command-line tool: serve, token, import, export, queries (nearest, within, inside,
        // descendants, ancestors), stats, define; developer tools under `dev`.
        .executableTarget(
            name: "geocontacts",
            dependencies: [
                "Geodesy",
                "SpatialIndex",
                "GeoContacts",
                "GeoContactsInterchange",
                "GeoContactsSQLite",
                "GeoContactsPostgres",
                "GeoContactsServer",
                "GeoDataGeneration",  // `generate` writes the benchmarks' data
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Generated locations (uniform and skewed mixes, city centres, a seeded generator): the
        // sample data, `geocontacts dev generate` and the benchmarks.
        .target(name: "GeoDataGeneration", dependencies: ["Geodesy"], swiftSettings: strict),
        // Test-only: the brute-force oracles the randomized tests compare against, and a runner
        // of the built `geocontacts` for the tests that use it as a user would.
        .target(
            name: "GeoContactsTestSupport",
            dependencies: ["Geodesy", .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeoContactsServerTests",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
                "GeoContactsServer",
                "GeoContacts",
                "GeoDataGeneration",
                "Geodesy",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strict
        ),
        // The client swift-openapi-generator makes of the served document (openapi.yaml here is a
        // symlink to the server's resource) calls every operation of a live service.
        .testTarget(
            name: "GeoContactsOpenAPIClientTests",
            dependencies: [
                "GeoContactsServer",
                "GeoContacts",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .testTarget(name: "GeodesyTests", dependencies: [.product(name: "RealModule", package: "swift-numerics"), "Geodesy", "GeoDataGeneration"], swiftSettings: strict),
        .testTarget(name: "SpatialIndexTests", dependencies: [.product(name: "RealModule", package: "swift-numerics"), "SpatialIndex", "Geodesy", "GeoContactsTestSupport", "GeoDataGeneration"], swiftSettings: strict),
        .testTarget(
            name: "GeoContactsTestSupportTests",
            dependencies: [.product(name: "RealModule", package: "swift-numerics"), "GeoContactsTestSupport", "GeoDataGeneration", "Geodesy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeoContactsSQLiteTests",
            dependencies: [
                "GeoContactsSQLite", "GeoContacts", "GeoContactsTestSupport", "GeoDataGeneration", "Geodesy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // The `geocontacts` executable run as a user runs it (import, export, serve, replicas).
        .testTarget(
            name: "GeoContactsCLITests",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
                "GeoContactsSQLite", "GeoContacts", "GeoContactsInterchange", "GeoContactsTestSupport", "GeoDataGeneration", "Geodesy",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeoContactsPostgresTests",
            dependencies: [
                .product(name: "RealModule", package: "swift-numerics"),
                "GeoContactsPostgres", "GeoContacts", "Geodesy", "GeoDataGeneration",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeoContactsInterchangeTests",
            dependencies: ["GeoContactsInterchange", "GeoContacts", "GeoDataGeneration", "Geodesy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeoContactsTests",
            dependencies: [.product(name: "RealModule", package: "swift-numerics"), "GeoContacts", "GeoDataGeneration", "Geodesy", "SpatialIndex", .product(name: "HashTreeCollections", package: "swift-collections")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
