import FoundationEssentials
import Glibc
import Logging

/// Where log lines go and how they look. Under systemd, when `$JOURNAL_STREAM` names stderr (its
/// device and inode), each line starts with its syslog priority (`<3>` error, `<4>` warning, `<6>`
/// info, `<7>` debug) and carries no timestamp (journald adds its own), so `journalctl -p warning`
/// filters; otherwise swift-log's usual stream format. Private text (OCR, window titles) is never
/// logged at info.
enum LogOutput {
    static func bootstrap(level: Logger.Level?, debug: Bool) {
        let chosen = level ?? (debug ? .debug : .info)
        let journal = journalIsStderr()
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = chosen
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = chosen
            return handler
        }
    }

    /// Whether stderr is the stream systemd connected to the journal (`JOURNAL_STREAM=dev:inode`).
    static func journalIsStderr() -> Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode
    }

    /// Points stderr at `path` (appended, 0600): `--log-file` in the foreground.
    static func redirectStderr(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UserFacingError("cannot write the log file \(path): \(String(cString: strerror(errno)))") }
        dup2(fd, 2)
        close(fd)
    }
}

/// A log line for journald: `<priority>label: message key=value…`.
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: return 2
        case .error: return 3
        case .warning: return 4
        case .notice: return 5
        case .info: return 6
        case .debug, .trace: return 7
        }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = metadata.merging(explicit ?? [:]) { $1 }
        let extra = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // One write per line (each message on one line), so lines from threads never interleave.
        let text = "<\(Self.priority(level))>\(label): \(message)\(extra)".replacing("\n", with: " ") + "\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
