import Foundation

/// A one-line progress indicator on standard error, shown only when standard error is a
/// terminal (so redirected output and CI logs stay clean). Updates at most ten times a second.
final class Progress {
    private let enabled = isatty(STDERR_FILENO) != 0
    private var last = ContinuousClock.now
    private var shown = false

    func update(_ phase: String, _ done: Int, of total: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard !shown || now - last >= .milliseconds(100) else { return }
        last = now
        shown = true
        let percent = total > 0 ? done * 100 / total : 0
        FileHandle.standardError.write(Data("\r\u{1B}[K\(phase): \(percent)%".utf8))
    }

    /// Clears the progress line.
    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }

    /// A message on its own line, whether or not standard error is a terminal.
    func warn(_ message: String) {
        finish()
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
