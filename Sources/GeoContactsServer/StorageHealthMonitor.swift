import GeoContacts
import Logging
import ServiceLifecycle

/// Watches the store's journal and logs when it starts and stops failing: a failed commit
/// is answered to its writers with a 500 that carries no storage detail, so the detail goes
/// to the log (at `error`) and to `GET /health/ready`.
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
            if health.isHealthy && !last.isHealthy {
                logger.info("storage recovered: commits succeed again")
            }
            last = health
            try? await Task.sleep(for: interval)
        }
    }
}
