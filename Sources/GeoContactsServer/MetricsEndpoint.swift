import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `serve --metrics-port N`: the process's swift-metrics, in Prometheus's text format, at
/// `GET /metrics` on a port of its own, bound to the service's host.
///
/// It is a separate listener rather than a route of the API: scrapers send no `Customer-Id`
/// or bearer token, and the metrics (customers, contact counts, latencies) are operator data
/// that no API token should reach; bind it to loopback or a private interface (`--host`
/// applies to both) and let the network decide who scrapes it.
///
/// Exposed: `geocontacts_http_requests_total` and `geocontacts_http_request_duration` by
/// method, route and status; `geocontacts_contacts` per customer; the journal's
/// `geocontacts_journal_commit_seconds` (the time from a batch's hand-over to its commit) and
/// `geocontacts_journal_batch_changes` (changes per committed batch).
enum MetricsEndpoint {
    /// Bootstraps swift-metrics with a Prometheus registry (once per process: the caller is
    /// `ServiceRunner`) and returns the listener that serves it.
    static func bootstrap(host: String, port: Int, logger: Logger) -> some Service {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["geocontacts_journal_commit_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .seconds(1),
        ]
        factory.valueHistogramBuckets["geocontacts_journal_batch_changes"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 16384]
        MetricsSystem.bootstrap(factory)
        let router = Router()
        router.get("/metrics") { _, _ in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: buffer))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "GeoContacts metrics"),
                           logger: logger)
    }
}
