import Foundation
import Logging
import Store
import Synchronization

/// Settings of the file tree that a user may want to change.
public struct TreeOptions: Sendable {
    /// How long the kernel may cache a name → inode answer. Never 0: that makes every `ls` a lookup storm.
    public var entryTimeout: Double = 1
    /// How long the kernel may cache attributes.
    public var attributeTimeout: Double = 1
    /// How long a query's result list is reused before it is recomputed.
    public var searchTTL: TimeInterval = 30
    /// Byte budget of rendered documents kept in memory.
    public var renderCacheBytes = 64 << 20
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public init() {}
}

/// The whole file tree, FUSE-free: every operation takes inodes and names and returns attributes,
/// entries, bytes or an `FSError`. The FUSE bridge only translates; tests drive this class directly.
public final class RecallFileSystem: Sendable {
    public let options: TreeOptions
    let store: DocumentStore
    public let board: StatusBoard
    let index: SearchIndex?
    let queries: QueryDirectories
    let renders: ByteBoundedCache<Int64, RenderedDocument>
    let handles = HandleTable()
    let libraryCache = Mutex<(at: Date, libraries: [Library])?>(nil)
    /// Version of each document at its last open: an unchanged document keeps its page cache.
    let openedVersions = Mutex<[Int64: String]>([:])
    let mountedAt = Int64(Date().timeIntervalSince1970)
    let logger = Logger(label: "recallfs.tree")
    /// Extra facts for `.status/health.json` (pid, mountpoint, database path), set by the CLI.
    public let facts: [String: String]

    /// A rendered document and the version it was rendered from.
    struct RenderedDocument: Sendable {
        var version: String
        var bytes: [UInt8]
        var attributes: NodeAttributes
    }

    public init(store: DocumentStore, board: StatusBoard, index: SearchIndex?, savedQueries: SavedQueries?,
                options: TreeOptions = TreeOptions(), facts: [String: String] = [:]) {
        self.store = InstrumentedStore(store, board: board)
        self.board = board
        self.index = index
        self.options = options
        self.facts = facts
        queries = QueryDirectories(saved: savedQueries, ttl: options.searchTTL)
        renders = ByteBoundedCache(capacityBytes: options.renderCacheBytes)
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
        NodeAttributes(inode: node.inode, isDirectory: false, permissions: 0o444, size: Int64(size),
                       modified: modified, changed: changed, links: 1)
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
                let now = Int64(Date().timeIntervalSince1970)
                return fileAttributes(node, size: statusContent(file).count, modified: now, changed: now)
            case .library(let id):
                guard try libraries().contains(where: { $0.id == id }) else { throw FSError(ENOENT) }
                return directoryAttributes(node)
            case .query(let slot):
                guard queries.name(forSlot: slot) != nil else { throw FSError(ENOENT) }
                return directoryAttributes(node)
            case .document(let id):
                guard let document = try document(id: id) else { throw FSError(ENOENT) }
                return document.attributes
            }
        }
    }

    // MARK: - Documents

    func libraries() throws -> [Library] {
        if let cached = libraryCache.withLock({ $0 }), Date().timeIntervalSince(cached.at) < 5 { return cached.libraries }
        let fresh = try store.libraries()
        libraryCache.withLock { $0 = (Date(), fresh) }
        return fresh
    }

    func render(_ entity: Entity) throws -> RenderedDocument {
        let library = try libraries().first { $0.id == entity.summary.libraryID }
        let bytes = DocumentRenderer.render(entity, library: library)
        let attributes = fileAttributes(.document(entity.id), size: bytes.count, modified: entity.summary.createdAt,
                                        changed: max(entity.updatedAt, entity.summary.createdAt))
        let document = RenderedDocument(version: entity.summary.version, bytes: bytes, attributes: attributes)
        renders.put(entity.id, document, cost: bytes.count + 256)
        return document
    }

    /// The current rendering of one document, or nil if the entity does not exist.
    func document(id: Int64) throws -> RenderedDocument? {
        guard let summary = try store.entitySummary(id: id) else { return nil }
        return try documents(for: [summary]).first
    }

    /// Renderings for `summaries`, in order, fetching everything not cached in one store call.
    func documents(for summaries: [EntitySummary]) throws -> [RenderedDocument] {
        var found: [Int64: RenderedDocument] = [:]
        var missing: [Int64] = []
        for summary in summaries {
            if let cached = renders.get(summary.id), cached.version == summary.version {
                found[summary.id] = cached
            } else {
                missing.append(summary.id)
            }
        }
        if !missing.isEmpty {
            for entity in try store.entities(ids: missing) { found[entity.id] = try render(entity) }
        }
        return summaries.compactMap { found[$0.id] }
    }

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
                return OpenFile(handle: handles.insert(.file(statusContent(file))), keepCache: false, directIO: true)
            case .document(let id):
                guard let document = try document(id: id) else { throw FSError(ENOENT) }
                let previous = openedVersions.withLock { versions in
                    if versions.count > 200_000 { versions.removeAll() }
                    defer { versions[id] = document.version }
                    return versions[id]
                }
                return OpenFile(handle: handles.insert(.file(document.bytes)),
                                keepCache: previous == document.version, directIO: false)
            default:
                throw FSError(EISDIR)
            }
        }
    }

    /// Up to `size` bytes at `offset` of an open file; empty at or past the end.
    public func read(handle: UInt64, offset: Int64, size: Int) throws(FSError) -> ArraySlice<UInt8> {
        guard case .file(let bytes)? = handles.get(handle) else { throw FSError(EBADF) }
        guard offset >= 0 else { throw FSError(EINVAL) }
        guard offset < bytes.count else { return [] }
        let start = Int(offset)
        return bytes[start..<min(bytes.count, start + size)]
    }

    public func release(handle: UInt64) { handles.remove(handle) }

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
