import FoundationEssentials
import Glibc
import Store

/// The private cache directory: our FTS index, the saved queries and the daemon log, all of which hold
/// screen text. It is created 0700; one that others can write to, or that another user owns, is refused.
enum CacheDirectory {
    /// `$XDG_CACHE_HOME/recallfs/db-<hash of the database path>` (or `~/.cache/...`).
    static func defaultPath(forDatabase database: String) -> String {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (homeDirectory() + "/.cache")
        return "\(base)/recallfs/db-\(String(StableHash.of(database), radix: 16))"
    }

    /// Creates `path` (and missing parents) as 0700 and checks that it is private.
    static func prepare(_ path: String) throws {
        var created: [String] = []
        var cursor = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: cursor.path) {
            created.insert(cursor.path, at: 0)
            cursor.deleteLastPathComponent()
        }
        for dir in created where mkdir(dir, 0o700) != 0 && errno != EEXIST {
            throw UserFacingError("cannot create cache directory \(dir): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw UserFacingError("cache directory \(path) is not a directory")
        }
        guard st.st_uid == geteuid() else {
            throw UserFacingError("refusing cache directory \(path): it belongs to uid \(st.st_uid), not to you")
        }
        guard st.st_mode & 0o022 == 0 else {
            throw UserFacingError("refusing cache directory \(path): others can write to it "
                                  + "(mode \(String(st.st_mode & 0o777, radix: 8))); run: chmod 700 \(path)")
        }
        if st.st_mode & 0o077 != 0 { chmod(path, 0o700) }  // readable by others: tighten, it holds screen text
    }
}
