import CProj

/// Owns one PROJ context (`proj_context_create` … `proj_context_destroy`).
///
/// PROJ contexts are not thread-safe, so this type is deliberately not `Sendable`: it
/// belongs to exactly one ``CoordinateNormalizer``. PROJ reports the real reason for a
/// failure only through its logger ("crs not found"), while `proj_context_errno_string`
/// says "Unknown error (code 4096)"; the context therefore installs a logger
/// (`proj_log_func`) that keeps PROJ quiet on stderr and keeps its messages for errors.
final class ProjContext {
    /// Collects what PROJ logs; reached from the C callback through an unretained pointer
    /// whose lifetime the owning context guarantees.
    private final class LogSink {
        var messages: [String] = []
    }

    /// `PJ_CONTEXT *`, never shared outside this module.
    let handle: OpaquePointer
    private let sink = LogSink()

    init() throws(GeodesyError) {
        guard let context = proj_context_create() else {
            throw GeodesyError(.transformationFailed, message: "proj_context_create failed")
        }
        handle = context
        proj_context_set_enable_network(context, 0)
        _ = proj_log_level(context, PJ_LOG_ERROR)
        proj_log_func(context, Unmanaged.passUnretained(sink).toOpaque()) { data, _, message in
            guard let data, let message else { return }
            let sink = Unmanaged<LogSink>.fromOpaque(data).takeUnretainedValue()
            if sink.messages.count < 16 { sink.messages.append(String(cString: message)) }
        }
    }

    deinit {
        proj_log_func(handle, nil, nil)
        proj_context_destroy(handle)
    }

    /// Forgets earlier log messages before a call.
    func reset() {
        sink.messages.removeAll(keepingCapacity: true)
    }

    /// PROJ's logged messages since ``reset()``, or its error string for `errno`.
    func failureMessage(errno code: Int32) -> String {
        if !sink.messages.isEmpty { return sink.messages.joined(separator: "; ") }
        if code != 0, let text = proj_context_errno_string(handle, code) {
            return String(cString: text)
        }
        return "PROJ reported no reason"
    }

    var errno: Int32 { proj_context_errno(handle) }
}
