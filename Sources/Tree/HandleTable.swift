import Cache
import Synchronization

/// Open file and directory handles (the `fh` that FUSE hands back on read/readdir/release).
final class HandleTable: Sendable {
    enum Handle: Sendable {
        /// A status file or the README: its bytes as of open, so every read of one open agrees.
        case file([UInt8])
        /// A document: its chunks are read from the tiered cache (re-rendered if both tiers dropped them),
        /// so an open document never has to be held in memory whole.
        case document(id: Int64, info: RenderedInfo)
        /// A query directory listing, snapshotted at opendir so offsets stay stable while results change.
        case listing([DirectoryEntry])
        /// A directory listed straight from the store, page by page.
        case streamed
    }

    private let state = Mutex((next: UInt64(1), open: [UInt64: Handle]()))

    func insert(_ handle: Handle) -> UInt64 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.open[id] = handle
            return id
        }
    }

    func get(_ id: UInt64) -> Handle? { state.withLock { $0.open[id] } }
    func remove(_ id: UInt64) { state.withLock { _ = $0.open.removeValue(forKey: id) } }
    var count: Int { state.withLock { $0.open.count } }
}
