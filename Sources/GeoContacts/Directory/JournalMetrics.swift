import Metrics

/// The journals' metrics (swift-metrics; `serve --metrics-port` exposes them in Prometheus's
/// format): `geocontacts_journal_commit_seconds` (a committed transaction's duration, fsync
/// included) and `geocontacts_journal_batch_changes` (the changes it held), by `store`.
///
/// The handlers are made per commit, not kept: a journal opened before the metrics system is
/// bootstrapped would otherwise keep no-op ones. A commit costs far more than the lookup.
package enum JournalMetrics {
    package static func committed(store: String, changes: Int, in duration: Duration) {
        Timer(label: "geocontacts_journal_commit_seconds", dimensions: [("store", store)]).record(duration: duration)
        Recorder(label: "geocontacts_journal_batch_changes", dimensions: [("store", store)]).record(changes)
    }
}
