import ArgumentParser
import GeoContacts
import GeoContactsServer
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
    @Flag(help: "Keep everything in memory only (no database; the signing key still lives in the data folder).")
    var inMemory = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let port = port ?? (env["PORT"].map { Int($0) } ?? 8080), (0...65_535).contains(port) else {
            throw ValidationError("PORT must be a port number")
        }
        let folder = data.folder
        var configuration = ServerConfiguration(
            host: host ?? env["HOST"] ?? "127.0.0.1", port: port, dataDirectory: folder.url.path,
            maximumBodySize: maxBodySize, loadsSampleData: !noSampleData)
        configuration.printsToken = printToken
        guard idleTimeout > 0, idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout must be between 0 and 86400 seconds") }
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        // StreamLogHandler's format, buffered (one line per request is written in batches).
        var logger = Logger(label: "geocontacts", factory: { BufferedLogHandler(label: $0) })
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if inMemory {
            try await ServiceRunner.run(configuration: configuration, logger: logger)
            return
        }
        let storage = try data.open(journaling: .durable)
        defer { storage.close() }
        let stats = storage.statistics
        logger.info("storage opened", metadata: [
            "database": "\(folder.databaseURL.path)", "customers": "\(stats.customers)", "contacts": "\(stats.contacts)",
            "seconds": "\(stats.totalSeconds)",
        ])
        try await ServiceRunner.run(configuration: configuration, directory: storage.directory,
                                    persist: { customer, changes in try storage.store(changes, customer: customer) },
                                    logger: logger)
        logger.info("storage closed")
    }
}
