public import GeoContacts
public import Hummingbird
public import Logging
import NIOCore

/// The HTTP service over a ``ContactDirectory``: builds the router (every route of the
/// OpenAPI document) and the Hummingbird application.
public struct GeoContactsService: Sendable {
    public let directory: ContactDirectory
    public let authenticator: Authenticator
    public let configuration: ServerConfiguration
    /// Serializes group and field-definition creation, which allocate ids.

    public init(directory: ContactDirectory, tokens: TokenAuthority, configuration: ServerConfiguration) {
        self.directory = directory
        self.authenticator = Authenticator(tokens: tokens)
        self.configuration = configuration
    }

    /// The router with every route and the middleware (request log and metrics, problems).
    public func buildRouter() -> Router<BasicRequestContext> {
        var table = RouteTable(maximumBodySize: configuration.maximumBodySize)
        for (method, path) in Self.routeList { table.add(method, path) }
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ProblemMiddleware(routes: table))
        router.add(middleware: VersionMiddleware())
        addRoutes(to: router)
        return router
    }

    /// Every route, as registered (the OpenAPI test compares the router with the document).
    static let routeList: [(HTTPRequest.Method, String)] = [
        (.get, "/health"), (.get, "/health/ready"), (.get, "/openapi.yaml"),
        (.post, "/v1/contacts"), (.get, "/v1/contacts"), (.post, "/v1/contactBatches"),
        (.get, "/v1/contacts/nearest"), (.post, "/v1/contacts/nearest"),
        (.get, "/v1/contacts/within"), (.post, "/v1/contacts/within"),
        (.get, "/v1/contacts/{id}"), (.patch, "/v1/contacts/{id}"), (.delete, "/v1/contacts/{id}"),
        (.get, "/v1/contacts/{id}/children"), (.get, "/v1/contacts/{id}/ancestors"),
        (.get, "/v1/contacts/{id}/descendants"),
        (.get, "/v1/contactGroups"), (.post, "/v1/contactGroups"), (.delete, "/v1/contactGroups/{id}"),
        (.get, "/v1/customFieldDefinitions"), (.post, "/v1/customFieldDefinitions"),
        (.delete, "/v1/customFieldDefinitions/{id}"),
    ]

    /// The application listening on the configured host and port.
    public func buildApplication(logger: Logger, onServerRunning: @escaping @Sendable () async -> Void = {})
        -> some ApplicationProtocol
    {
        let requestTimeout = TimeAmount(configuration.requestTimeout)
        return Application(
            router: buildRouter(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(timeout: requestTimeout)],
                idleTimeout: .init(configuration.idleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "GeoContacts"),
            onServerRunning: { _ in await onServerRunning() },
            logger: logger
        )
    }
}
