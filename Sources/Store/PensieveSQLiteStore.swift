import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// Reads Pensieve's own database (`~/.memos/database.db`) directly and read-only.
///
/// Search does not touch Pensieve's `entities_fts` (it needs Pensieve's libsimple extension);
/// it goes through `SearchIndex`, the project's own FTS5 index, which this store keeps in sync.
public final class PensieveSQLiteStore: DocumentStore {
    public let backendName = "sqlite"
    private let logger = Logger(label: "recallfs.sqlite")
    public let path: String
    private let pool: SQLiteConnectionPool
    /// Our own FTS5 index, if search is wanted (the `index` command does not need one).
    public let index: SearchIndex?
    /// The database file as last seen, to notice a replacement (see `checkFile`).
    private let file: Mutex<(identity: FileIdentity?, checkedAt: Date, problem: String?)>
    /// Seconds between two checks of the file (a `stat`), at most.
    static let fileCheckInterval: TimeInterval = 1

    /// Opens the database and checks that it has Pensieve's tables.
    public init(path: String, index: SearchIndex?, connections: Int = 4) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unavailable("database not found: \(path)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StoreError.unavailable("database not readable: \(path)")
        }
        self.path = path
        self.index = index
        file = Mutex((FileIdentity(path: path), Date(), nil))
        pool = SQLiteConnectionPool(capacity: connections) {
            try SQLiteConnection(path: path, readOnly: true)
        }
        try checkTables()
    }

    /// Throws unless the database has Pensieve's tables.
    private func checkTables() throws {
        let tables = try pool.withConnection { db in
            var names: Set<String> = []
            try db.query("SELECT name FROM sqlite_master WHERE type IN ('table','view')") { names.insert($0.text(0) ?? "") }
            return names
        }
        let missing = ["libraries", "entities", "metadata_entries", "entity_tags", "tags"].filter { !tables.contains($0) }
        guard missing.isEmpty else {
            throw StoreError.unavailable("\(path) is not a Pensieve database (missing tables: \(missing.joined(separator: ", ")))")
        }
    }

    /// How many entities have an id of 0 or below: they cannot be listed (listings page by id from 1).
    public func unlistableCount() -> Int {
        (try? read { db in try db.scalarInt("SELECT count(*) FROM entities WHERE id <= 0") }).flatMap { $0 }.map(Int.init) ?? 0
    }

    /// Why the database cannot be read now (gone, replaced by something that is not a Pensieve
    /// database, truncated), or nil. Shown by health.
    public var fileProblem: String? { file.withLock { $0.problem } }

    /// Closes the connections no request is using (see `SQLiteConnectionPool.closeIdle`).
    public func closeIdleConnections() { pool.closeIdle() }

    /// Notices a replaced database within a second: a new device/inode (renamed over), a file that
    /// shrank (truncated) or one that is back after a problem reopens every connection, so requests
    /// read the file that is at the path now, never a deleted one next to the new `-wal`/`-shm`.
    @discardableResult
    public func checkFile(force: Bool = false) -> String? {
        let due = file.withLock { f -> Bool in
            guard force || Date().timeIntervalSince(f.checkedAt) >= Self.fileCheckInterval else { return false }
            f.checkedAt = Date()
            return true
        }
        guard due else { return fileProblem }
        let now = FileIdentity(path: path)
        let (changed, hadProblem) = file.withLock { f -> (Bool, Bool) in
            let changed = now != nil && (f.identity == nil || now!.device != f.identity!.device || now!.inode != f.identity!.inode
                                         || now!.size < f.identity!.size)
            f.identity = now
            return (changed, f.problem != nil)
        }
        var problem: String?
        if now == nil {
            problem = "database file is gone: \(path)"
        } else if changed || hadProblem {
            pool.reset()
            do { try checkTables() } catch { problem = "database at \(path) cannot be read: \(error)" }
            if problem == nil && changed { logger.warning("database file \(path) was replaced: reopened") }
        }
        file.withLock { $0.problem = problem }
        if let problem { pool.reset(); logger.warning("\(problem)") }
        return problem
    }

    /// Every read goes through here: the file is checked (at most once a second), and a failure that
    /// says the file is damaged or gone is remembered for health until a check finds it readable.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        if let problem = checkFile() { throw StoreError.unavailable(problem) }
        do {
            return try pool.withConnection(body)
        } catch StoreError.unavailable(let reason) {
            file.withLock { $0.problem = reason }
            throw StoreError.unavailable(reason)
        }
    }

    public func libraries() throws -> [Library] {
        try read { db in
            var result: [Library] = []
            try db.query("SELECT id, name, kind FROM libraries ORDER BY id") {
                result.append(Library(id: $0.int(0), name: $0.text(1) ?? "", kind: $0.text(2) ?? "static"))
            }
            return result
        }
    }

    /// The columns that make an `EntitySummary`. The version folds in the row's own columns (an id can
    /// be reused: `entities.id` is not AUTOINCREMENT) and metadata and tag changes, because Pensieve
    /// does not always bump `entities.updated_at` when only metadata changes. Values themselves are
    /// not read: that would mean reading every OCR blob on every sync.
    static let summaryColumns = """
        e.id, e.library_id, e.filename, e.file_created_at,
        (SELECT value FROM metadata_entries m WHERE m.entity_id = e.id AND m.key = 'active_app' LIMIT 1),
        e.updated_at || '|' || e.file_created_at || '|' || e.file_last_modified_at || '|' || e.size || '|' ||
        ifnull(e.last_scan_at, '') || '|' || e.filepath || '|' ||
        ifnull((SELECT max(updated_at) || '|' || count(*) || '|' || max(id) FROM metadata_entries m
                WHERE m.entity_id = e.id), '') ||
        '|' || (SELECT count(*) || '|' || ifnull(max(id), 0) FROM entity_tags t WHERE t.entity_id = e.id)
        """

    static func summary(_ row: SQLRow) -> EntitySummary {
        EntitySummary(id: row.int(0), libraryID: row.int(1), filename: row.text(2) ?? "",
                      createdAt: PensieveTime.parse(row.text(3) ?? "") ?? 0, app: row.text(4),
                      version: row.text(5) ?? "")
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try read { db in
            var result: [EntitySummary] = []
            let filter = library == nil ? "" : " AND e.library_id = ?2"
            try db.query("SELECT \(Self.summaryColumns) FROM entities e WHERE e.id > ?1\(filter) ORDER BY e.id LIMIT ?3",
                         [.int(afterID), library.map { .int($0) } ?? .null, .int(Int64(limit))]) {
                result.append(Self.summary($0))
            }
            return result
        }
    }

    /// From the local index once it is built and its last sync worked (one table read by id, sizes
    /// recorded), with the entities past its newest id read from Pensieve's tables, so a capture made
    /// since the last sync is listed at once. From Pensieve's tables alone while the index is building
    /// or cannot be written (a full disk): then it may lag, and listings must not.
    /// From the local index while it is current (see `listing`); else nothing.
    public func listed(ids: [Int64]) throws -> [ListedDocument] {
        guard let index, index.isCurrent else { return [] }
        return try index.listed(ids: ids)
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        try read { db in
            var result: EntitySummary?
            try db.query("SELECT \(Self.summaryColumns) FROM entities e WHERE e.id = ?", [.int(id)]) {
                result = Self.summary($0)
            }
            return result
        }
    }

    /// Ids only, in order: finding removed entities without reading their rows.
    public func entityIDs(afterID: Int64, limit: Int) throws -> [Int64] {
        try read { db in
            var ids: [Int64] = []
            ids.reserveCapacity(limit)
            try db.query("SELECT id FROM entities WHERE id > ? ORDER BY id LIMIT ?", [.int(afterID), .int(Int64(limit))]) { ids.append($0.int(0)) }
            return ids
        }
    }

    /// What a sync needs to know of the database file without reading it: which file it is, and
    /// whether anything was committed since (a commit changes the file or its `-wal`: size or mtime).
    public struct ChangeToken: Sendable, Equatable {
        let main: FileIdentity
        let wal: FileIdentity?
        /// The same file (not one renamed over it), whatever was committed to it.
        public func isSameFile(as other: ChangeToken?) -> Bool {
            other.map { $0.main.device == main.device && $0.main.inode == main.inode } ?? false
        }
    }

    /// The database's change token now, or nil if the file cannot be seen.
    public func changeToken() -> ChangeToken? {
        FileIdentity(path: path).map { ChangeToken(main: $0, wal: FileIdentity(path: path + "-wal")) }
    }

    public func entityCount(library: Int64?) throws -> Int {
        try read { db in
            let count = library == nil
                ? try db.scalarInt("SELECT count(*) FROM entities")
                : try db.scalarInt("SELECT count(*) FROM entities WHERE library_id = ?", [.int(library!)])
            return Int(count ?? 0)
        }
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        var byID: [Int64: Entity] = [:]
        try read { db in
            for chunk in stride(from: 0, to: ids.count, by: 200).map({ Array(ids[$0..<min($0 + 200, ids.count)]) }) {
                try load(chunk, from: db, into: &byID)
            }
        }
        return ids.compactMap { byID[$0] }
    }

    private func load(_ ids: [Int64], from db: SQLiteConnection, into byID: inout [Int64: Entity]) throws {
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let parameters = ids.map { SQLValue.int($0) }
        try db.query("""
            SELECT \(Self.summaryColumns), e.filepath, e.size, e.file_type, e.file_type_group,
                   e.file_last_modified_at, e.last_scan_at
            FROM entities e WHERE e.id IN (\(marks))
            """, parameters) { row in
            byID[row.int(0)] = Entity(
                summary: Self.summary(row), filepath: row.text(6) ?? "", size: row.int(7),
                fileType: row.text(8) ?? "", fileTypeGroup: row.text(9) ?? "",
                lastModifiedAt: PensieveTime.parse(row.text(10) ?? "") ?? 0,
                lastScanAt: PensieveTime.parse(row.text(11) ?? "") ?? 0, tags: [], metadata: [])
        }
        try db.query("""
            SELECT entity_id, "key", value, source, data_type FROM metadata_entries
            WHERE entity_id IN (\(marks)) ORDER BY entity_id, id
            """, parameters) { row in
            byID[row.int(0)]?.metadata.append(MetadataEntry(
                key: row.text(1) ?? "", value: row.text(2) ?? "", source: row.text(3),
                dataType: MetadataEntry.dataType(fromStored: row.text(4) ?? "")))
        }
        try db.query("""
            SELECT et.entity_id, t.name FROM entity_tags et JOIN tags t ON t.id = et.tag_id
            WHERE et.entity_id IN (\(marks)) ORDER BY et.entity_id, et.id
            """, parameters) { row in
            byID[row.int(0)]?.tags.append(row.text(1) ?? "")
        }
    }

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        try search(request, libraryIDs: try libraryIDs(named: request.libraries))
    }

    /// Counted by the index while it is current.
    public func matchCount(_ request: SearchRequest) throws -> Int? {
        guard let index = currentIndex else { return nil }
        return try index.matchCount(request, libraryIDs: try libraryIDs(named: request.libraries))
    }

    /// `search` with the request's library names already resolved (by the caller, once).
    public func search(_ request: SearchRequest, libraryIDs: [Int64]) throws -> [SearchHit] {
        guard let index else { throw StoreError.failed("search index is not configured") }
        return try index.search(request, libraryIDs: libraryIDs)
    }

    /// True when every entity in the libraries (all libraries when empty) is an image: then the API's
    /// image-only search is complete.
    public func onlyImages(libraryIDs: [Int64]) throws -> Bool {
        guard let index else { return false }
        return try index.onlyImages(libraryIDs: libraryIDs)
    }
}

/// Which file a path names now: device, inode and size (`stat`).
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    /// Last modification, in nanoseconds (a commit changes it even when the size stays).
    var modified: Int64

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino); size = Int64(st.st_size)
        modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}
