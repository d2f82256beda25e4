import Foundation

/// The one progress line of the command line: `phase [██████·····] 42%` on standard error,
/// drawn only when standard error is a terminal (so redirected output and CI logs stay clean),
/// redrawn when the phase or the percentage changes, at most ten times a second.
final class Progress {
    private let enabled: Bool
    private var last = ContinuousClock.now
    private var shown: (phase: String, percent: Int)?

    init(enabled: Bool = standardErrorIsTerminal) {
        self.enabled = enabled
    }

    func update(_ phase: String, _ done: Int, of total: Int) {
        guard enabled else { return }
        let percent = total > 0 ? min(100, max(0, done) * 100 / total) : 0
        if let shown, shown.phase == phase, shown.percent == percent { return }
        let now = ContinuousClock.now
        guard shown?.phase != phase || now - last >= .milliseconds(100) else { return }
        last = now
        shown = (phase, percent)
        let width = 30, filled = percent * width / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(phase) [\(bar)] \(percent)%".utf8))
    }

    /// Clears the progress line.
    func finish() {
        guard enabled, shown != nil else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shown = nil
    }

    /// A message on its own line, whether or not standard error is a terminal.
    func warn(_ message: String) {
        finish()
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
