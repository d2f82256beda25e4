import ArgumentParser
import GeoContactsServer
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `geocontacts serve`: the HTTP service (Hummingbird 2).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the contacts API over HTTP (loads sample data into an empty store).")

    @Option(help: "Address to bind (env HOST).") var host: String?
    @Option(help: "Port to listen on (env PORT).") var port: Int?
    @Option(name: .customLong("data"), help: "Data folder: signing key, storage (env DATA_DIR).") var data: String?
    @Option(help: "Largest request body in bytes.") var maxBodySize: Int = 1 << 20
    @Flag(help: "Do not load the sample data set.") var noSampleData = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let port = port ?? (env["PORT"].map { Int($0) } ?? 8080), (0...65_535).contains(port) else {
            throw ValidationError("PORT must be a port number")
        }
        let configuration = ServerConfiguration(
            host: host ?? env["HOST"] ?? "127.0.0.1", port: port, dataDirectory: data ?? env["DATA_DIR"] ?? "data",
            maximumBodySize: maxBodySize, loadsSampleData: !noSampleData)
        var logger = Logger(label: "geocontacts")
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        try await ServiceRunner.run(configuration: configuration, logger: logger)
    }
}
