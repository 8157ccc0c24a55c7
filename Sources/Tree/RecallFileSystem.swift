import FoundationEssentials
import Glibc
import Store
import Cache
import Synchronization

/// Settings of the file tree that a user may want to change.
public struct TreeOptions: Sendable {
    /// How long the kernel may cache a name → inode answer. Never 0: that makes every `ls` a lookup
    /// storm. Long, because change events invalidate what changed explicitly (`notifyKernel`), and a
    /// stale name still resolves (any `<id>-….md` does); a `grep -r` that looks up each name again
    /// runs at a fraction of tmpfs speed.
    public var entryTimeout: Double = 60
    /// How long the kernel may cache attributes (status files: never; see `attributeTimeout(for:)`).
    public var attributeTimeout: Double = 60
    /// How long a query's result list is reused before it is recomputed (an event drops it sooner).
    public var searchTTL: TimeInterval = CacheConfiguration().searchTTL
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    /// How many captures `around/<id>/` shows on each side (`--context`).
    public var context = 5
    /// Whether `setfattr -n user.recallfs.tags` may replace a document's tags through the API.
    public var allowTagWrites = false
    /// Whether metadata is offered as extended attributes. Off (`--no-xattrs`), the first getxattr
    /// is answered ENOSYS and the kernel stops asking: `ls -l` then makes no xattr round trips (it
    /// asks two names per file, `security.selinux` and `system.posix_acl_access`: about 3x the time
    /// of an `ls -l` without them).
    public var extendedAttributes = true
    public init() {}
}

/// The whole file tree, FUSE-free: every operation takes inodes and names and returns attributes,
/// entries, bytes or an `FSError`. The FUSE bridge only translates; tests drive this class directly.
public final class RecallFileSystem: Sendable {
    public let options: TreeOptions
    /// The store chain, instrumented: every call is timed and reported to `board`.
    public let store: DocumentStore
    public let board: StatusBoard
    /// The query directories under `search/`: slots, saved names, result lists.
    let queries: QueryDirectories
    /// Documents as files: rendering, sizes, reads by range.
    let documentFiles: DocumentFiles
    /// Rendered documents (in chunks), entities and search results, in memory and on disk.
    public let tiered: TieredCache
    let handles = HandleTable()
    /// `apps/`: app directory names and their slots.
    let apps: AppDirectories
    /// `images/`: original files by range.
    let images: ImageFiles
    /// The API, for tag writes and images this machine cannot read (nil without one).
    let primary: (any WritablePrimary)?
    /// Run after a tag write, so that the index and every cache see it at once (the daemon polls
    /// its change feeds here).
    let afterWrite = Mutex<(@Sendable () -> Void)?>(nil)
    let mountedAt = Int64(Date().timeIntervalSince1970)
    /// The `.status/` files' bytes, from the source the CLI attaches (see the StatusFiles target).
    let status = StatusSnapshots()
    let notifier = Mutex<(any KernelNotifier)?>(nil)

    /// `store` is the top of the store chain; `tiered` holds the rendered documents' chunks (memory-only
    /// and of the default size when not given, as in tests).
    public init(store: DocumentStore, board: StatusBoard, savedQueries: SavedQueries?, options: TreeOptions = TreeOptions(),
                tiered: TieredCache? = nil, primary: (any WritablePrimary)? = nil) {
        self.tiered = tiered ?? (store as? CachingStore)?.cache ?? TieredCache.memoryOnly()
        self.store = InstrumentedStore(store, board: board)
        self.board = board
        self.options = options
        let cache = self.tiered
        documentFiles = DocumentFiles(store: self.store, tiered: cache, verifyInterval: options.attributeTimeout)
        self.primary = primary
        apps = AppDirectories(ttl: min(5, options.searchTTL))
        images = ImageFiles(store: self.store, primary: primary)
        queries = QueryDirectories(saved: savedQueries, ttl: options.searchTTL, store: self.store, documents: documentFiles,
                                   maxResultBytes: { max(256 << 10, cache.budget / 8) })
    }

    // MARK: - Errors

    /// Runs `body`, turning store errors into errnos and recording every error answer with its reason.
    func answer<T>(_ operation: String, _ path: @autoclosure () -> String, _ body: () throws -> T) throws(FSError) -> T {
        do {
            return try body()
        } catch let error as FSError {
            if error.errno != ENOENT || error.reason != nil {
                board.record(operation: operation, path: path(), errno: error.errno, reason: error.reason ?? "")
            }
            throw error
        } catch let error as StoreError {
            let mapped: FSError
            switch error {
            case .invalid(let reason): mapped = FSError(EINVAL, reason)
            case .busy(let reason): mapped = FSError(EAGAIN, reason)
            case .unavailable(let reason), .failed(let reason): mapped = FSError(EIO, reason)
            }
            board.record(operation: operation, path: path(), errno: mapped.errno, reason: mapped.reason ?? "")
            throw mapped
        } catch {
            board.record(operation: operation, path: path(), errno: EIO, reason: "\(error)")
            throw FSError(EIO, "\(error)")
        }
    }

    /// A readable path for logs: `search/<query>`, `documents/<id>`, …
    public func describe(_ inode: UInt64, _ name: String? = nil) -> String {
        let base: String
        switch Node(inode: inode) {
        case .root?: base = ""
        case .readme?: base = "README"
        case .documents?: base = "documents"
        case .libraries?: base = "libraries"
        case .search?: base = "search"
        case .statusDirectory?: base = ".status"
        case .statusFile(let file)?: base = ".status/\(file.rawValue)"
        case .document(let id)?: base = "documents/\(id)-…"
        case .library(let id)?: base = "libraries/#\(id)"
        case .query(let slot)?: base = "search/\(queries.name(forSlot: slot) ?? "#\(slot)")"
        case .timeline?: base = "timeline"
        case .recent?: base = "recent"
        case .apps?: base = "apps"
        case .images?: base = "images"
        case .around?: base = "around"
        case .period(let period)?:
            base = "timeline/" + [String(period.year), period.month.map(TimelinePeriod.twoDigits), period.day.map(TimelinePeriod.twoDigits)]
                .compactMap { $0 }.joined(separator: "/")
        case .app(let slot)?: base = "apps/\(apps.name(forSlot: slot) ?? "#\(slot)")"
        case .image(let id)?: base = "images/\(id)-…"
        case .neighbourhood(let id)?: base = "around/\(id)"
        case nil: base = "inode \(inode)"
        }
        guard let name else { return base.isEmpty ? "/" : base }
        return base.isEmpty ? name : "\(base)/\(name)"
    }

    // MARK: - Attributes

    func directoryAttributes(_ node: Node, modified: Int64? = nil) -> NodeAttributes {
        NodeAttributes(inode: node.inode, isDirectory: true, permissions: node == .search ? 0o755 : 0o555,
                       size: 0, modified: modified ?? mountedAt, changed: modified ?? mountedAt, links: 2)
    }

    func fileAttributes(_ node: Node, size: Int, modified: Int64, changed: Int64) -> NodeAttributes {
        NodeAttributes.file(node, size: size, modified: modified, changed: changed)
    }

    /// `stat` of an inode the kernel already knows.
    public func attributes(_ inode: UInt64) throws(FSError) -> NodeAttributes {
        try answer("getattr", describe(inode)) {
            guard let node = Node(inode: inode) else { throw FSError(ENOENT) }
            switch node {
            case .root, .documents, .libraries, .search, .statusDirectory: return directoryAttributes(node)
            case .readme:
                return fileAttributes(node, size: HelpText.bytes.count, modified: mountedAt, changed: mountedAt)
            case .statusFile(let file):
                return statusAttributes(status.snapshot(file), node)
            case .library(let id):
                guard try documentFiles.libraries().contains(where: { $0.id == id }) else { throw FSError(ENOENT) }
                return directoryAttributes(node)
            case .query(let slot):
                guard queries.name(forSlot: slot) != nil else { throw FSError(ENOENT) }
                return directoryAttributes(node)
            case .document(let id):
                guard let document = try documentFiles.document(id: id) else { throw FSError(ENOENT) }
                return document.attributes
            default:
                guard let attributes = try viewAttributes(node) else { throw FSError(ENOENT) }
                return attributes
            }
        }
    }

    /// How long the kernel may cache an inode's attributes. Status files change all the time and
    /// their size must match what the next read returns: the kernel keeps their attributes exactly
    /// as long as the tree keeps their snapshot. Within that time a reader's reads (and the read at
    /// the end that finds end-of-file) cannot see another snapshot; with no timeout at all, that
    /// last read asked for fresh attributes, got a longer snapshot, and read its tail after the
    /// first one's head.
    public func attributeTimeout(for inode: UInt64) -> Double {
        if case .statusFile? = Node(inode: inode) { return StatusSnapshots.lifetime }
        return options.attributeTimeout
    }

    public func attach(status source: any StatusFileSource) { status.attach(source) }

    /// The bytes of a status file now, from the attached source (empty until one is attached).
    public func statusContent(_ file: StatusFile) -> [UInt8] { status.content(file) }

    // MARK: - Files

    /// What `open` answers: a handle and how the kernel should cache the file.
    public struct OpenFile: Sendable {
        public var handle: UInt64
        /// Keep the page cache from an earlier open: the document has not changed since.
        public var keepCache: Bool
        /// Bypass the page cache: status files are regenerated at every open and their size varies.
        public var directIO: Bool
    }

    /// Opens a file for reading; any write access is EROFS.
    public func open(_ inode: UInt64, writing: Bool) throws(FSError) -> OpenFile {
        try answer("open", describe(inode)) {
            guard let node = Node(inode: inode), !node.isDirectory else { throw FSError(EISDIR) }
            if writing { throw FSError(EROFS, "RecallFS is read-only") }
            switch node {
            case .readme:
                return OpenFile(handle: handles.insert(.file(HelpText.bytes)), keepCache: true, directIO: false)
            case .statusFile(let file):
                return OpenFile(handle: handles.insert(.file(status.snapshot(file).bytes)), keepCache: false, directIO: true)
            case .document(let id):
                guard let document = try documentFiles.document(id: id) else { throw FSError(ENOENT) }
                let keep = documentFiles.keepsPageCache(id, version: document.version)
                let stash = ChunkStash(total: documentFiles.stashTotal)
                return OpenFile(handle: handles.insert(.document(id: id, info: document.info, stash: stash)),
                                keepCache: keep, directIO: false)
            case .image(let id):
                _ = try images.attributes(id: id)
                return OpenFile(handle: handles.insert(.image(id)), keepCache: true, directIO: false)
            default:
                throw FSError(EISDIR)
            }
        }
    }

    /// Up to `size` bytes at `offset` of an open file; empty at or past the end.
    public func read(handle: UInt64, offset: Int64, size: Int) throws(FSError) -> ArraySlice<UInt8> {
        guard offset >= 0 else { throw FSError(EINVAL) }
        switch handles.get(handle) {
        case .file(let bytes)?:
            return Self.slice(bytes, offset: offset, size: size)
        case .document(let id, let info, let stash)?:
            return try answer("read", describe(Node.document(id).inode)) {
                try documentFiles.readDocument(id: id, info: info, offset: Int(offset), size: size, stash: stash)
            }
        case .image(let id)?:
            return try answer("read", describe(Node.image(id).inode)) { try images.read(id: id, offset: offset, size: size) }
        default:
            throw FSError(EBADF)
        }
    }

    public func release(handle: UInt64) { handles.remove(handle) }

    /// Up to `size` bytes at `offset` of a file that was never opened here: the FUSE bridge answers
    /// `open` with ENOSYS, after which the kernel opens files by itself, keeps their pages cached, and
    /// reads by inode. That saves an open and a release round trip per file (a `grep -r` over a query
    /// directory ran at 3–4x tmpfs with them). The kernel's cache stays right because change events
    /// invalidate the inodes that changed (`notifyKernel`), and a status file's mtime and size change
    /// with its content (see `StatusSnapshots`).
    public func read(inode: UInt64, offset: Int64, size: Int) throws(FSError) -> ArraySlice<UInt8> {
        guard offset >= 0 else { throw FSError(EINVAL) }
        guard let node = Node(inode: inode), !node.isDirectory else { throw FSError(EISDIR) }
        switch node {
        case .readme:
            return Self.slice(HelpText.bytes, offset: offset, size: size)
        case .statusFile(let file):
            return Self.slice(status.current(file).bytes, offset: offset, size: size)
        case .document(let id):
            return try answer("read", describe(inode)) {
                guard let document = try documentFiles.document(id: id) else { throw FSError(ENOENT) }
                return try documentFiles.readDocument(id: id, info: document.info, offset: Int(offset), size: size,
                                                      stash: documentFiles.stash(for: id))
            }
        case .image(let id):
            return try answer("read", describe(inode)) { try images.read(id: id, offset: offset, size: size) }
        default:
            throw FSError(EISDIR)
        }
    }

    static func slice(_ bytes: [UInt8], offset: Int64, size: Int) -> ArraySlice<UInt8> {
        guard offset < bytes.count else { return [] }
        let start = Int(offset)
        return bytes[start..<min(bytes.count, start + size)]
    }

    func statusAttributes(_ snapshot: StatusSnapshots.Snapshot, _ node: Node) -> NodeAttributes {
        let since = snapshot.since.timeIntervalSince1970
        var attributes = fileAttributes(node, size: snapshot.bytes.count, modified: Int64(since.rounded(.down)),
                                        changed: Int64(since.rounded(.down)))
        attributes.modifiedNanoseconds = Int32((since - since.rounded(.down)) * 1e9)
        return attributes
    }

    /// `access(2)`: writes are refused everywhere but in `search/` (mkdir/rmdir of queries).
    public func checkAccess(_ inode: UInt64, write: Bool) throws(FSError) {
        guard let node = Node(inode: inode) else { throw FSError(ENOENT) }
        if write && node != .search { throw FSError(EROFS) }
    }

    /// The answer to every other write request, recorded with what was attempted.
    public func refuseWrite(_ operation: String, _ inode: UInt64, _ name: String? = nil) -> FSError {
        let error = FSError(EROFS, "RecallFS is read-only (only mkdir and rmdir under search/ change anything)")
        board.record(operation: operation, path: describe(inode, name), errno: EROFS, reason: error.reason!)
        return error
    }
}

extension RecallFileSystem {
    /// The tree's own state, as plain data, for the status files.
    public struct Report: Sendable {
        public var openHandles: Int
        /// Documents rendered whole since the mount (see `DocumentFiles.renders`).
        public var renders: Int
        public var savedQueries: Int
        public var resultListBytes: Int
        public var openFileChunkBytes: Int
        public var saveProblem: (reason: String, at: Date)?
    }

    public var report: Report {
        Report(openHandles: handles.count, renders: documentFiles.renders, savedQueries: queries.listed.count, resultListBytes: queries.resultBytes,
               openFileChunkBytes: documentFiles.stashTotal.used, saveProblem: queries.saveProblem)
    }
}
