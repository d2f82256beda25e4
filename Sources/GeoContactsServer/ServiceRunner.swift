public import GeoContacts
import Hummingbird
public import Logging
public import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the service as `geocontacts serve` does: signing key, store, sample data, a ready
/// token and three example requests on standard output, then the Hummingbird application
/// under a `ServiceGroup` that shuts down gracefully on SIGTERM and SIGINT.
public enum ServiceRunner {
    ///
    /// - Parameters:
    ///   - directory: the store, already restored from durable storage if there is one
    ///     (`ContactStorage.open` in the executable); an in-memory one when `nil`.
    ///   - persist: stores the sample data's changes durably before they are loaded, when
    ///     the store is durable.
    ///   - services: run first in the service group (e.g. the store), so that they shut down
    ///     after the application.
    public static func run(configuration: ServerConfiguration, directory: ContactDirectory? = nil,
                           persist: ((CustomerID, [ContactChange]) throws -> Void)? = nil,
                           services: [any Service] = [], logger: Logger) async throws {
        // First, so that every metric made from here on reaches it.
        let metrics = configuration.metricsPort.map { MetricsEndpoint.bootstrap(host: configuration.host, port: $0, logger: logger) }
        let (key, keySource) = try SigningKeyStore.load(dataDirectory: configuration.dataDirectory)
        logger.info("signing key loaded", metadata: ["source": "\(keySource)"])
        let tokens = await TokenAuthority(secret: key)
        let directory = directory ?? ContactDirectory(journal: NoJournal())
        var loadedSampleData = false
        if configuration.loadsSampleData && directory.customers.isEmpty {
            loadedSampleData = true
            let clock = ContinuousClock()
            var loaded = 0
            let elapsed = try clock.measure { loaded = try SampleData.load(into: directory, persist: persist) }
            logger.info("sample data loaded", metadata: ["contacts": "\(loaded)", "customers": "\(SampleData.customers.count)",
                                                         "elapsed": "\(elapsed)"])
        }
        let service = GeoContactsService(directory: directory, tokens: tokens, configuration: configuration)
        service.recordContactCounts()
        // The log stream is no place for a credential: a token only for sample data just
        // loaded into an empty store (a development run), or when asked for.
        var token: String?
        if loadedSampleData || configuration.printsToken {
            token = try await tokens.token(subject: "make-run", customers: SampleData.customers.map(\.id),
                                           scopes: ["contacts:read", "contacts:write", "contacts:admin"])
        }
        let banner = Self.banner(configuration: configuration, token: token)
        let app = service.buildApplication(logger: logger, onServerRunning: {
            LogOutput.standardOutput.flush()  // the start-up lines before the banner
            print(banner)
            fflush(nil)  // all streams: stdout may be a pipe or file
        })
        let monitor = StorageHealthMonitor(directory: directory, logger: logger)
        var all = services + [app, monitor] as [any Service]
        if let metrics { all.append(metrics) }
        let group = ServiceGroup(configuration: .init(services: all, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The start-up text: with a token, the token for the sample customers and three curl
    /// commands that work as printed; without, how to mint one.
    static func banner(configuration: ServerConfiguration, token: String?) -> String {
        let host = configuration.host == "0.0.0.0" || configuration.host == "::" ? "127.0.0.1" : configuration.host
        let base = host.contains(":") ? "http://[\(host)]:\(configuration.port)" : "http://\(host):\(configuration.port)"
        guard let token else {
            return """

            GeoContacts is listening on \(base)  (OpenAPI: \(base)/openapi.yaml, Ctrl-C stops)
            No token is printed for existing data; mint one with
              geocontacts token --data '\(configuration.dataDirectory)' --customer 1 --scope 'contacts:read'
            (or start with --print-token).

            """
        }
        let auth = "-H 'Authorization: Bearer \(token)' -H 'Customer-Id: 1'"
        return """

        GeoContacts is listening on \(base)  (OpenAPI: \(base)/openapi.yaml, Ctrl-C stops)
        Sample data: customers 1-3; customer 1 has a head office (contact 1), 50 regions (2-51) and 20,000 sites.

        Token (customers 1, 2, 3; scopes contacts:read contacts:write contacts:admin; valid 30 days):
        \(token)

        # Create a site under Region London (contact 2):
        curl -si -X POST '\(base)/v1/contacts' \(auth) -H 'Content-Type: application/json' \\
          -d '{"name":"New site","groupId":3,"parentId":2,"location":{"latitude":51.5007,"longitude":-0.1246}}'

        # The 3 contacts nearest to Westminster:
        curl -s '\(base)/v1/contacts/nearest?latitude=51.5007&longitude=-0.1246&count=3' \(auth)

        # The first 5 descendants of Region London:
        curl -s '\(base)/v1/contacts/2/descendants?pageSize=5' \(auth)

        """
    }
}
