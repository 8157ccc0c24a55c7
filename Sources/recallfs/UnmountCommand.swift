import ArgumentParser
import Foundation

/// `recallfs unmount MOUNTPOINT`: unmounts and waits for the daemon to exit.
struct UnmountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unmount", abstract: "Unmount a RecallFS mount.")

    @Argument(help: "The mountpoint.")
    var mountpoint: String

    @Flag(help: "Detach now even if files are open (fusermount3 -uz).")
    var lazy = false

    func run() throws {
        let path = Mountpoint.absolute(mountpoint)
        guard Mountpoint.isMounted(path) else { exitWithMessage("\(path) is not mounted") }
        // The daemon's pid, read before unmounting, so that we can wait for it to finish.
        let pid = StatusCommand.healthJSON(path)?["pid"].flatMap { Int32("\($0)") }
        let fusermount = Process()
        fusermount.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        fusermount.arguments = lazy ? ["-uz", path] : ["-u", path]
        let errors = Pipe()
        fusermount.standardError = errors
        do { try fusermount.run() } catch { exitWithMessage("cannot run fusermount3: \(error)") }
        fusermount.waitUntilExit()
        guard fusermount.terminationStatus == 0 else {
            let reason = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            exitWithMessage("cannot unmount \(path): \(reason) (files still open? try --lazy)")
        }
        if let pid {
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(100_000) }
        }
        print("recallfs: unmounted \(path)")
    }
}
