import FoundationEssentials
import Synchronization

/// Renders the files under `.status/` (implemented by the StatusFiles layer).
public protocol StatusFileSource: Sendable {
    func content(_ file: StatusFile) -> [UInt8]
}

/// The bytes of the `.status/` files, as the tree serves them: from the attached source (empty until
/// the CLI attaches one), each kept for half a second, so that `stat` then `cat` see the same bytes
/// (the size matches) while a `sleep 1` loop sees fresh values every time.
///
/// Each snapshot carries the time its content first appeared, which is the file's mtime to the
/// nanosecond. With the kernel caching file pages (the tree answers `open` with ENOSYS, see
/// `RecallFileSystem.read(inode:offset:size:)`), that is how a reader sees new content: the kernel
/// keeps a status file's attributes only as long as its snapshot lives (`lifetime`), asks again at
/// the next read after that, and drops its cached pages when the mtime or size differs (FUSE's
/// auto_inval_data).
final class StatusSnapshots: Sendable {
    static let lifetime: TimeInterval = 0.5
    struct Snapshot: Sendable {
        /// When it was rendered (its age decides when to render again).
        var at: Date
        /// When this content first appeared: unchanged content keeps its mtime.
        var since: Date
        var bytes: [UInt8]
    }
    private let source = Mutex<(any StatusFileSource)?>(nil)
    private let snapshots = Mutex<[StatusFile: Snapshot]>([:])

    func attach(_ source: any StatusFileSource) { self.source.withLock { $0 = source } }

    /// The bytes of `file` now, freshly rendered.
    func content(_ file: StatusFile) -> [UInt8] { source.withLock { $0 }?.content(file) ?? [] }

    /// `file` as last rendered, if that was less than `lifetime` ago; else rendered now.
    func snapshot(_ file: StatusFile) -> Snapshot {
        let now = Date()
        if let snapshot = snapshots.withLock({ $0[file] }), now.timeIntervalSince(snapshot.at) < Self.lifetime {
            return snapshot
        }
        let bytes = content(file)
        let rendered = Date()  // its age counts from here: a slow rendering must not be born expired
        return snapshots.withLock { all in
            let since = all[file].flatMap { $0.bytes == bytes ? $0.since : nil } ?? rendered
            let snapshot = Snapshot(at: rendered, since: since, bytes: bytes)
            all[file] = snapshot
            return snapshot
        }
    }

    /// The snapshot whose size the kernel was last told (rendered now if there is none): a read
    /// follows the attribute request that sized it.
    func current(_ file: StatusFile) -> Snapshot {
        snapshots.withLock { $0[file] } ?? snapshot(file)
    }
}
