import Foundation

/// Start-up handshake between `recallfs mount` and the background daemon it starts.
///
/// The parent re-runs itself with `--foreground` and `RECALLFS_READY_PIPE=1`; the child's stdout is a
/// pipe back to the parent and its stderr the log file. The child writes `ready` once the kernel mount
/// is live, or `error: <reason>`, then stops using stdout. The parent prints any error, and exits 0 only
/// on `ready`. Spawning (rather than fork()) avoids forking a process that already has threads.
enum Daemon {
    static func start(arguments: [String], logFile: String, mountpoint: String) throws {
        guard let log = FileHandle(forWritingAtPath: logFile) ?? {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o600])
            return FileHandle(forWritingAtPath: logFile)
        }() else { throw UserFacingError("cannot write the log file \(logFile)") }
        log.seekToEndOfFile()
        let pipe = Pipe()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = arguments + ["--foreground"]
        var environment = ProcessInfo.processInfo.environment
        environment["RECALLFS_READY_PIPE"] = "1"
        child.environment = environment
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = pipe
        child.standardError = log
        do { try child.run() } catch { throw UserFacingError("cannot start the daemon: \(error)") }
        pipe.fileHandleForWriting.closeFile()
        let answer = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if answer.hasPrefix("ready") {
            print("recallfs: mounted on \(mountpoint) (pid \(child.processIdentifier), log \(logFile))")
            return
        }
        if answer.hasPrefix("error: ") {
            throw UserFacingError(String(answer.dropFirst(7)).trimmingCharacters(in: .whitespacesAndNewlines))
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
