import FoundationEssentials
import Glibc

/// Start-up handshake between `recallfs mount` and the background daemon it starts.
///
/// The parent re-runs itself with `--foreground` and `RECALLFS_READY_PIPE=1`; the child's stdout is a
/// pipe back to the parent and its stderr the log file. The child writes `ready` once the kernel mount
/// is live, or `error: <reason>`, then stops using stdout. The parent prints any error, and exits 0 only
/// on `ready`. Spawning (rather than fork()) avoids forking a process that already has threads.
enum Daemon {
    static func start(arguments: [String], logFile: String, mountpoint: String) throws {
        let log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw UserFacingError("cannot write the log file \(logFile)") }
        defer { close(log) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        let pipe = try Spawn.pipe()
        var environment = ProcessInfo.processInfo.environment
        environment["RECALLFS_READY_PIPE"] = "1"
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let pid: pid_t
        do {
            pid = try Spawn.start(executable, arguments + ["--foreground"], environment: environment,
                                  stdin: null, stdout: pipe.write, stderr: log)
        } catch {
            close(pipe.read); close(pipe.write)
            throw UserFacingError("cannot start the daemon: \(error)")
        }
        close(pipe.write)
        let answer = String(decoding: Spawn.readAll(pipe.read), as: UTF8.self)
        close(pipe.read)
        if answer.hasPrefix("ready") {
            print("recallfs: mounted on \(mountpoint) (pid \(pid), log \(logFile))")
            return
        }
        if answer.hasPrefix("error: ") {
            throw UserFacingError(String(answer.dropFirst(7)).trimmingWhitespace())
        }
        throw UserFacingError("the daemon exited before the mount was live; see \(logFile)")
    }
}

/// The child's side of the handshake.
struct Readiness {
    static func fromEnvironment() -> Readiness? {
        guard ProcessInfo.processInfo.environment["RECALLFS_READY_PIPE"] == "1" else { return nil }
        unsetenv("RECALLFS_READY_PIPE")
        setsid()  // leave the terminal's session: Ctrl-C in the shell must not reach the daemon
        return Readiness()
    }

    func succeed() { finish("ready\n") }
    func fail(_ message: String) { finish("error: \(message)\n") }

    /// Writes the answer and points stdout at /dev/null, which closes the pipe so the parent returns.
    private func finish(_ line: String) {
        _ = line.utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, 1); close(null) }
    }
}
