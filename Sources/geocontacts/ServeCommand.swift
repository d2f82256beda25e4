import ArgumentParser
import GeoContacts
import GeoContactsPostgres
import GeoContactsServer
import Geodesy
import GeoContactsSQLite
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `geocontacts serve`: the HTTP service (Hummingbird 2) over the durable store in the data folder.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the contacts API over HTTP (loads sample data into an empty store).")

    @Option(help: "Address to bind (env HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env PORT; default 8080).") var port: Int?
    @OptionGroup var data: DataOptions
    @Option(help: "Largest request body in bytes.") var maxBodySize: Int = 1 << 20
    @Flag(help: "Do not load the sample data set into an empty store.") var noSampleData = false
    @Flag(help: "Print a token for customers 1-3 with every scope at start (by default only when sample data was just loaded).")
    var printToken = false
    @Option(help: "Seconds a connection may stay idle (or stall mid-request) before it is closed.")
    var idleTimeout: Double = 30
    @Option(help: "Seconds a request may take to arrive whole (head and body) once the connection is ready for it.")
    var requestTimeout: Double = 60
    @Option(help: "Serve Prometheus metrics at /metrics on this port (same host; default: none).") var metricsPort: Int?
    @Flag(help: "Keep everything in memory only (no database; the signing key still lives in the data folder).")
    var inMemory = false
    @OptionGroup var postgres: PostgresOption
    @Option(name: .customLong("allow-crs"), help: ArgumentHelp(
        "Accept only this CRS besides WGS84 in request input (repeat for each). Default: any EPSG code PROJ knows.",
        valueName: "EPSG:code"))
    var allowedCRS: [String] = []

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let port = port ?? (env["PORT"].map { Int($0) } ?? 8080), (0...65_535).contains(port) else {
            throw ValidationError("PORT must be a port number")
        }
        guard maxBodySize > 0 else { throw ValidationError("--max-body-size must be a positive number of bytes") }
        let folder = data.folder
        var configuration = ServerConfiguration(
            host: host ?? env["HOST"] ?? "127.0.0.1", port: port, dataDirectory: folder.url.path,
            maximumBodySize: maxBodySize, loadsSampleData: !noSampleData)
        configuration.printsToken = printToken
        guard idleTimeout > 0, idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout must be between 0 and 86400 seconds") }
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        guard requestTimeout > 0, requestTimeout <= 86_400 else { throw ValidationError("--request-timeout must be between 0 and 86400 seconds") }
        configuration.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        if let metricsPort {
            guard (1...65_535).contains(metricsPort), metricsPort != port else {
                throw ValidationError("--metrics-port must be a port from 1 to 65535 other than --port")
            }
            configuration.metricsPort = metricsPort
        }
        let normalizer = try Self.normalizer(allowing: allowedCRS)
        // StreamLogHandler's format, buffered (one line per request is written in batches).
        var logger = Logger(label: "geocontacts", factory: { BufferedLogHandler(label: $0) })
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if inMemory {
            try await ServiceRunner.run(configuration: configuration, directory: ContactDirectory(normalizer: normalizer), logger: logger)
            return
        }
        if let url = postgres.url {
            try await runOnPostgres(url: url, configuration: configuration, normalizer: normalizer, logger: logger)
            return
        }
        let storage = try data.open(journaling: .durable, normalizer: normalizer)
        defer { storage.close() }
        let stats = storage.statistics
        logger.info("storage opened", metadata: [
            "database": "\(folder.databaseURL.path)", "customers": "\(stats.customers)", "contacts": "\(stats.contacts)",
            "seconds": "\(stats.totalSeconds)", "read": "\(stats.readSeconds)", "index": "\(stats.indexSeconds)",
        ])
        try await ServiceRunner.run(configuration: configuration, directory: storage.directory,
                                    persist: { customer, changes in try storage.store(changes, customer: customer) },
                                    logger: logger)
        logger.info("storage closed")
    }

    /// Serves over a PostgreSQL store: restores every customer from it, loads the sample data
    /// into an empty database (stored first, one transaction per customer), then runs.
    private func runOnPostgres(url: String, configuration: ServerConfiguration, normalizer: SharedCoordinateNormalizer,
                               logger: Logger) async throws {
        let storage = try await PostgresContactStorage.open(url: url, normalizer: normalizer, logger: logger)
        releaseFreedMemory()
        let stats = storage.statistics
        logger.info("postgres storage opened", metadata: [
            "customers": "\(stats.customers)", "contacts": "\(stats.contacts)", "epoch": "\(storage.epoch)",
        ])
        do {
            if configuration.loadsSampleData && storage.directory.customers.isEmpty {
                for set in SampleData.sets() {
                    try await storage.store(set.changes, customer: set.customer)
                    try await storage.directory.catchUp(set.customer)
                }
                logger.info("sample data stored in postgres", metadata: ["customers": "\(SampleData.customers.count)"])
            }
            // The store is a service of the group, started before the application, so it
            // closes after the application has stopped on SIGTERM or SIGINT.
            try await ServiceRunner.run(configuration: configuration, directory: storage.directory, services: [storage],
                                        logger: logger)
        } catch {
            await storage.close()
            throw error
        }
        await storage.close()  // idempotent
        logger.info("storage closed")
    }

    /// The PROJ bridge for every directory: with `--allow-crs`, only those CRS (each an EPSG
    /// code, prepared now in every PROJ context, so an unknown one stops the start).
    static func normalizer(allowing codes: [String]) throws -> SharedCoordinateNormalizer {
        guard !codes.isEmpty else { return SharedCoordinateNormalizer() }
        let systems = codes.map { CoordinateReferenceSystem($0) }
        if let bad = systems.first(where: { !$0.isEPSGCode }) {
            throw ValidationError("--allow-crs takes EPSG codes like EPSG:27700, not \"\(bad.definition)\"")
        }
        let normalizer = SharedCoordinateNormalizer(allowing: systems)
        do {
            try normalizer.prepareAllowed()
        } catch {
            throw ValidationError("--allow-crs: \(error.message)")
        }
        return normalizer
    }
}
