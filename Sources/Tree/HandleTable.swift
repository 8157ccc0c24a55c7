import Cache
import Synchronization

/// Open file and directory handles (the `fh` that FUSE hands back on read/readdir/release).
final class HandleTable: Sendable {
    enum Handle: Sendable {
        /// A status file or the README: its bytes as of open, so every read of one open agrees.
        case file([UInt8])
        /// A document: its chunks are read from the tiered cache (re-rendered if both tiers dropped them),
        /// so an open document never has to be held in memory whole.
        case document(id: Int64, info: RenderedInfo, stash: ChunkStash)
        /// An image: read by range from its original file (or the API) at each read.
        case image(Int64)
        /// A query directory listing, snapshotted at opendir so offsets stay stable while results change.
        case listing([DirectoryEntry])
        /// A directory listed straight from the store, page by page: `documents/` and libraries keep
        /// the next entries in a buffer, others nothing.
        case streamed(ListingBuffer?)
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
    func remove(_ id: UInt64) {
        let handle = state.withLock { $0.open.removeValue(forKey: id) }
        if case .document(_, _, let stash)? = handle { stash.clear() }
    }
    var count: Int { state.withLock { $0.open.count } }
}

/// Chunks of one open document that were rebuilt but that no cache tier kept (the memory budget is
/// too small for them, the disk tier is off or full): the reader's next reads use them instead of
/// rendering the document again, so a cold sequential read costs about one rendering, not one per
/// read call. Bytes are counted in a shared total and dropped at release.
final class ChunkStash: Sendable {
    private let chunks = Mutex<[Int: [UInt8]]>([:])
    let total: StashTotal
    init(total: StashTotal) { self.total = total }

    func get(_ index: Int) -> [UInt8]? { chunks.withLock { $0[index] } }

    /// Keeps `bytes` for chunk `index` if the shared total allows.
    func keep(_ index: Int, _ bytes: [UInt8]) {
        chunks.withLock { c in
            guard c[index] == nil, total.reserve(bytes.count) else { return }
            c[index] = bytes
        }
    }

    /// Drops every chunk kept: at release, and before a rebuild (a reader that needs one has moved on).
    func clear() { chunks.withLock { c in total.release(c.values.reduce(0) { $0 + $1.count }); c.removeAll() } }
}

/// The bytes held by every open document's `ChunkStash`, under one limit.
final class StashTotal: Sendable {
    private let state = Mutex((used: 0, limit: 0))
    init(limit: Int) { state.withLock { $0.limit = limit } }
    func reserve(_ bytes: Int) -> Bool {
        state.withLock { s in
            guard s.used + bytes <= s.limit else { return false }
            s.used += bytes
            return true
        }
    }
    func release(_ bytes: Int) { state.withLock { $0.used -= bytes } }
    var used: Int { state.withLock { $0.used } }
    func setLimit(_ bytes: Int) { state.withLock { $0.limit = bytes } }
}
