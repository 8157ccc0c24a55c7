import ArgumentParser
import FoundationEssentials
import Glibc

/// `recallfs`: mount a Pensieve screen history as plain files.
@main
struct RecallFSCommand: ParsableCommand {
    /// `recallfs --version`, the package's version and `recallfs_build_info`'s label.
    static let version = "0.11.0"

    static let configuration = CommandConfiguration(
        commandName: "recallfs",
        abstract: "Mount a Pensieve document memory as plain files (documents/, search/, timeline/, apps/, .status/).",
        version: RecallFSCommand.version,
        subcommands: [MountCommand.self, UnmountCommand.self, StatusCommand.self, IndexCommand.self])

    /// A bad flag or setting is one line on stderr and exit status 2 (as with most Unix tools), not
    /// a usage dump with ArgumentParser's EX_USAGE (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError("recallfs: \(message(for: error))\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A failure the user can act on: printed as one line on stderr, exit status 1, no stack trace.
struct UserFacingError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Prints `recallfs: <message>` and exits 1.
func exitWithMessage(_ message: String) -> Never {
    printError("recallfs: \(message)\n")
    Glibc.exit(1)
}

/// `$HOME` when set (systemd, sudo -E and tests set it), else the password database's home.
func homeDirectory() -> String {
    if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { return home }
    guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return "/" }
    return String(cString: directory)
}

/// Sizes on the command line: `512K`, `64M`, `1G`, `1.5G` or plain bytes.
enum ByteSize {
    /// Sizes above this (1 PiB) are refused: no cache is that large, and converting 1e30 would trap.
    static let max = 1 << 50

    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimming { $0 == " " || $0 == "\t" }.uppercased()
        let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        var number = trimmed
        var scale = 1.0
        if let last = trimmed.last, let unit = units[last] { scale = unit; number = String(trimmed.dropLast()) }
        if number.hasSuffix("I") || number.hasSuffix("B") { return nil }
        guard let value = Double(number), value >= 0, value.isFinite, value * scale <= Double(max) else { return nil }
        return Int(value * scale)
    }
}
