import FoundationEssentials
import Glibc
import Store

/// systemd's `Type=notify` protocol without libsystemd: datagrams to `$NOTIFY_SOCKET` (a path, or
/// `@name` for an abstract socket). `READY=1` once the mount answers, `STATUS=` on each health change,
/// `WATCHDOG=1` at half of `$WATCHDOG_USEC` while the FUSE loop answers, `STOPPING=1` on the way out.
/// Absent outside systemd (no `NOTIFY_SOCKET`): then nothing is sent.
final class SystemdNotifier: Sendable {
    let socketPath: String
    /// Seconds between watchdog pings: half of `WATCHDOG_USEC`, when it is set for this process.
    let watchdogInterval: Double?

    static func fromEnvironment() -> SystemdNotifier? {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.hasPrefix("/") || path.hasPrefix("@") else { return nil }
        var interval: Double?
        if let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            interval = usec / 2 / 1_000_000
        }
        return SystemdNotifier(socketPath: path, watchdogInterval: interval)
    }

    init(socketPath: String, watchdogInterval: Double?) {
        self.socketPath = socketPath
        self.watchdogInterval = watchdogInterval
    }

    /// Sends one notification (`READY=1`, `STATUS=…`); failures are ignored, as sd_notify's callers do.
    @discardableResult
    func send(_ message: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
        return sent == bytes.count
    }
}

/// SIGHUP drops every cached answer (a systemd `reload`, or `kill -HUP`): the handler only writes a
/// byte to a pipe (async-signal-safe); a thread reads it and does the work.
enum ReloadSignal {
    nonisolated(unsafe) private static var pipeWrite: Int32 = -1

    /// Replaces libfuse's SIGHUP handler (which would end the mount) with `body`, run on a thread.
    static func install(_ body: @escaping @Sendable () -> Void) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        pipeWrite = fds[1]
        let read = fds[0]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(ReloadSignal.pipeWrite, &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGHUP, &action, nil)
        NamedThread.start(name: "recallfs-reload") {
            var byte: UInt8 = 0
            while true {
                let got = Glibc.read(read, &byte, 1)
                if got == 1 { body() } else if got < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}
