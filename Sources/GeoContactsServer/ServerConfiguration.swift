/// How the service runs: where it listens, where its data lives, and its request limits.
public struct ServerConfiguration: Sendable {
    /// The address to bind (`HOST`, `--host`); loopback by default.
    public var host: String
    /// The port (`PORT`, `--port`).
    public var port: Int
    /// The data folder (`DATA_DIR`, `--data`): the signing key file and, with durable
    /// storage, the database.
    public var dataDirectory: String
    /// The largest request body accepted; a larger one is a 413.
    public var maximumBodySize: Int
    /// Whether to load the sample data set when the store is empty.
    public var loadsSampleData: Bool
    /// The largest body of a bulk create (`POST /v1/contactBatches`); a larger one is a 413.
    public var maximumBatchBodySize = 64 << 20
    /// The most contacts in one bulk create; more is a 400.
    public var maximumBatchCount = 100_000
    /// Whether the start-up banner carries a token (`serve --print-token`). Without it a token
    /// is printed only when the sample data was just loaded into an empty store.
    public var printsToken = false
    /// How long a connection may stay without reading a request part (head, body chunk, end)
    /// while no response is being produced: idle keep-alive connections and requests that
    /// stall mid-head or mid-body are closed after it (`serve --idle-timeout`).
    public var idleTimeout: Duration = .seconds(30)
    /// How long a request may take to arrive whole (head and body), counted from when the
    /// connection is ready for it (opened, or the previous response written); the connection
    /// is closed after it (`serve --request-timeout`). It bounds clients that trickle a request
    /// a few bytes at a time, which the idle timeout does not.
    public var requestTimeout: Duration = .seconds(60)
    /// The port of the Prometheus `/metrics` listener (`serve --metrics-port`); none when `nil`.
    public var metricsPort: Int?

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "data",
                maximumBodySize: Int = 1 << 20, loadsSampleData: Bool = true) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.maximumBodySize = maximumBodySize
        self.loadsSampleData = loadsSampleData
    }
}
