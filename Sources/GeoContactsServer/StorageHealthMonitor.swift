import GeoContacts
import Logging
import ServiceLifecycle

/// Watches the store's journal and logs when it starts and stops failing or stalling: a
/// failed commit is answered to its writers with a 500 that carries no storage detail, so the
/// detail goes to the log (at `error`) and to `GET /health/ready`; a commit or read that
/// neither ends nor fails (``JournalHealth/stalled``) is logged once when it is first seen.
struct StorageHealthMonitor: Service {
    let directory: ContactDirectory
    let logger: Logger
    var interval: Duration = .milliseconds(250)

    func run() async throws {
        var last = JournalHealth.healthy
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let health = directory.storageHealth
            if health.failedBatches > last.failedBatches {
                logger.error("storage failed: writes refused", metadata: [
                    "failedBatches": .stringConvertible(health.failedBatches),
                    "reason": .string(health.lastFailure ?? "unknown"),
                ])
            }
            if let stalled = health.stalled, last.stalled == nil {
                logger.error("storage stalled: an operation does not return", metadata: ["reason": .string(stalled)])
            }
            if health.stalled == nil, last.stalled != nil {
                logger.info("storage no longer stalled: the waiting operation ended")
            }
            if health.isHealthy && !last.isHealthy {
                logger.info("storage recovered: commits succeed again")
            }
            last = health
            try? await Task.sleep(for: interval)
        }
    }
}
