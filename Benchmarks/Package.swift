// swift-tools-version: 6.1
// The benchmarks, a package of their own so the library does not carry package-benchmark or
// the C++ peers. Run from the repository root:
//
//     swift package --package-path Benchmarks benchmark
//
// (or `make bench`, which first installs libboost-dev and libs2-dev). See Benchmarks/README.md.
import PackageDescription

let package = Package(
    name: "GeoContactsBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "GeoContacts", path: ".."),
        // Its default trait needs a package that is not available here: name the trait.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The peers, C++ behind a C API: Boost.Geometry rtree (libboost-dev) and S2 (libs2-dev).
        .target(
            name: "PeersShim",
            cxxSettings: [.define("NDEBUG", .when(configuration: .release))],
            linkerSettings: [.linkedLibrary("s2")]
        ),
        // Data and peer wrappers shared by the suites.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "PeersShim",
                .product(name: "GeoDataGeneration", package: "GeoContacts"),
                .product(name: "Geodesy", package: "GeoContacts"),
            ],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .executableTarget(
            name: "SpatialIndexBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpatialIndex", package: "GeoContacts"),
                .product(name: "Geodesy", package: "GeoContacts"),
                .product(name: "GeoDataGeneration", package: "GeoContacts"),
            ],
            path: "Benchmarks/SpatialIndex",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ContactsBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GeoContacts", package: "GeoContacts"),
                .product(name: "Geodesy", package: "GeoContacts"),
            ],
            path: "Benchmarks/Contacts",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HierarchyBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GeoContacts", package: "GeoContacts"),
                .product(name: "Geodesy", package: "GeoContacts"),
            ],
            path: "Benchmarks/Hierarchy",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
