import FoundationEssentials
import Glibc

/// Checks that a mountpoint can be mounted on, with a message that says what to do when not.
enum Mountpoint {
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    static func check(_ path: String) throws {
        var st = stat()
        if stat(path, &st) != 0 {
            let code = errno
            if code == ENOTCONN {
                throw UserFacingError("\(path) is a stale mount (transport endpoint is not connected); "
                                      + "run: mountscripts/recallfs-cleanup \(path)   (or fusermount3 -uz \(path))")
            }
            throw UserFacingError("mountpoint \(path): \(String(cString: strerror(code)))")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw UserFacingError("mountpoint \(path) is not a directory") }
        if isMounted(path) { throw UserFacingError("mountpoint \(path) is busy: something is already mounted there") }
    }

    /// True when `/proc/self/mountinfo` lists `path` as a mount point.
    static func isMounted(_ path: String) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        let escaped = path.replacing("\\", with: "\\134").replacing(" ", with: "\\040")
            .replacing("\t", with: "\\011").replacing("\n", with: "\\012")
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4] == escaped
        }
    }
}
