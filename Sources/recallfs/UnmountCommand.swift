import ArgumentParser
import FoundationEssentials
import Glibc

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
        let pid = StatusCommand.healthJSON(path)?["pid"]?.int.map { Int32(truncatingIfNeeded: $0) }
        let status: Int32
        let reason: String
        do {
            let errors = try Spawn.pipe()
            let pid = try Spawn.start("/usr/bin/fusermount3", lazy ? ["-uz", path] : ["-u", path], stdin: 0, stdout: 1, stderr: errors.write)
            close(errors.write)
            reason = String(decoding: Spawn.readAll(errors.read), as: UTF8.self).trimmingWhitespace()
            close(errors.read)
            status = Spawn.wait(pid)
        } catch { exitWithMessage("cannot run fusermount3: \(error)") }
        guard status == 0 else {
            exitWithMessage("cannot unmount \(path): \(reason) (files still open? try --lazy)")
        }
        if let pid {
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(100_000) }
        }
        print("recallfs: unmounted \(path)")
    }
}
