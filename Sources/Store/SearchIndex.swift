import Dispatch
import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// RecallFS's own FTS5 index of Pensieve's documents, kept in the cache directory.
///
/// It holds the same flattened text that Pensieve indexes (`FlattenedText`), tokenised by FTS5's
/// built-in `unicode61` (diacritics folded), so the daemon never needs Pensieve's `libsimple`
/// extension. Every query word is a prefix; only two-letter prefixes get an index of their own
/// (`prefix = '2'`): they expand to hundreds of terms, while longer ones expand to few, and indexes
/// for 3 and 4 letters doubled the build time and the index's size for a few milliseconds per query.
/// It is brought up to date incrementally (see `SearchIndex+Sync.swift`).
public final class SearchIndex: Sendable {
    /// Bumped when the layout or the flattening changes: an older index is rebuilt.
    static let schemaVersion = "3"
    static let batchSize = 1_000

    public let path: String
    let writer: Mutex<SQLiteConnection>
    let readers: SQLiteConnectionPool
    let state = Mutex(SyncState())
    /// Where the incremental sync stands (see `SearchIndex+Sync.swift`).
    let progress = Mutex(SyncProgress())
    let logger = Logger(label: "recallfs.index")

    /// What the last synchronisation did, for `.status/health.json`.
    public struct SyncState: Sendable, Equatable {
        /// True once the index reflects the database at least once (now or in an earlier run).
        public var ready = false
        public var documents = 0
        public var lastSyncAt: Date?
        public var lastSyncSeconds: Double = 0
        public var added = 0
        public var updated = 0
        public var removed = 0
        public var lastError: String?
        /// While the first build runs: documents indexed so far, of how many.
        public var building: BuildProgress?
    }

    /// How far the first build has come.
    public struct BuildProgress: Sendable, Equatable, CustomStringConvertible {
        public var done: Int
        public var of: Int
        public var description: String { "\(done) of \(of) documents" }
    }

    /// The bytes of entity text one sync batch may hold: lowered by the daemon to a share of its memory
    /// budget, so that the first build of a large database fits a small container.
    let batchBound = Mutex(EntityBatches.batchBytes)
    public func setBatchBytes(_ bytes: Int) { batchBound.withLock { $0 = max(1 << 20, min(EntityBatches.batchBytes, bytes)) } }

    /// Sizes each indexed entity's rendering (nil: sizes are not recorded, listings carry none).
    let sizer: RenderedSizer?

    /// How long a search waits for the first build before it answers EAGAIN.
    public let readyWait: TimeInterval
    /// At most this many searches wait at once: FUSE has a few worker threads, and status files,
    /// `documents/` and `libraries/` must keep answering while the index builds.
    static let maxWaiters = 2
    /// Write transactions between two RESTART checkpoints (each holds up to 1,000 documents).
    static let checkpointEvery = 16
    let transactionsSinceCheckpoint = Mutex(0)
    private let waiters = Mutex(0)

    /// Opens or creates the index at `path` for the database identified by `source`.
    /// An index built for another source, or by another schema version, is emptied.
    /// Matches are ranked by bm25 when there are at most this many, else the most recent this many.
    public let rankWindow: Int

    public init(path: String, source: String, readyWait: TimeInterval = 60, sizer: RenderedSizer? = nil,
                rankWindow: Int = 20_000) throws {
        self.path = path
        self.rankWindow = rankWindow
        self.readyWait = readyWait
        self.sizer = sizer
        let db = try SQLiteConnection(path: path, readOnly: false, create: true)
        try db.execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA journal_size_limit = 67108864;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS saved_queries(name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
            """)
        var meta: [String: String] = [:]
        try db.query("SELECT key, value FROM meta") { meta[$0.text(0) ?? ""] = $0.text(1) ?? "" }
        if meta["schema"] != Self.schemaVersion || meta["source"] != source {
            try db.execute("DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS fts; DELETE FROM meta WHERE key = 'synced';")
        }
        try db.execute("""
            CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, version TEXT NOT NULL, library_id INTEGER NOT NULL,
                created_ts INTEGER NOT NULL, app TEXT, type_group TEXT NOT NULL, file_type TEXT NOT NULL,
                filename TEXT NOT NULL, rendered_size INTEGER, changed_ts INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS docs_created ON docs(created_ts);
            CREATE INDEX IF NOT EXISTS docs_library ON docs(library_id, id);
            CREATE INDEX IF NOT EXISTS docs_type ON docs(type_group, library_id);
            CREATE INDEX IF NOT EXISTS docs_app ON docs(app, id);
            CREATE INDEX IF NOT EXISTS docs_group_id ON docs(type_group, id);
            CREATE INDEX IF NOT EXISTS docs_library_created ON docs(library_id, created_ts);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(filepath, tags, metadata,
                tokenize = 'unicode61 remove_diacritics 2', prefix = '2');
            """)
        try db.query("INSERT OR REPLACE INTO meta VALUES ('schema', ?), ('source', ?)", [.text(Self.schemaVersion), .text(source)])
        let synced = try db.scalarInt("SELECT count(*) FROM meta WHERE key = 'synced'") ?? 0
        let count = try db.scalarInt("SELECT count(*) FROM docs") ?? 0
        writer = Mutex(db)
        readers = SQLiteConnectionPool(capacity: 4) { try SQLiteConnection(path: path, readOnly: true) }
        state.withLock { $0.ready = synced > 0; $0.documents = Int(count) }
    }

    public var syncState: SyncState { state.withLock { $0 } }

    /// Built, and its last sync worked: it can list documents (see `PensieveSQLiteStore.listing`).
    public var isCurrent: Bool { state.withLock { $0.ready && $0.lastError == nil } }

    /// Closes the reading connections no request is using (see `SQLiteConnectionPool.closeIdle`).
    public func closeIdleConnections() { readers.closeIdle() }

    /// The highest indexed id (0 when empty).
    public func newestID() throws -> Int64 {
        try readers.withConnection { db in try db.scalarInt("SELECT max(id) FROM docs") } ?? 0
    }

    /// Brings the index up to date with `store`. Safe to call from one thread at a time (the sync loop).
    @discardableResult
    public func synchronize(from store: DocumentStore) throws -> SyncState { try synchronizeReportingChanges(from: store).state }

    /// What one synchronisation changed, by id.
    public struct SyncChanges: Sendable {
        public var state: SyncState
        public var added: [Int64] = []
        public var updated: [Int64] = []
        public var removed: [Int64] = []
        /// The first build of an empty index: every entity is new to it, and nothing anyone cached can
        /// be stale because of it, so its ids are counted, not listed (a million of them would be a
        /// million change events).
        public var firstBuild = false
        var addedCount = 0

        mutating func recordAdded(_ ids: [Int64]) {
            addedCount += ids.count
            if !firstBuild { added += ids }
        }
    }

    /// Counts rows of the first build as done (for `index building (N of M documents)`).
    func advance(by count: Int) {
        state.withLock { s in s.building = s.building.map { BuildProgress(done: min($0.of, $0.done + count), of: $0.of) } }
    }

    func indexedVersions(after: Int64, through upper: Int64) throws -> [Int64: String] {
        try readers.withConnection { db in
            var known: [Int64: String] = [:]
            try db.query("SELECT id, version FROM docs WHERE id > ? AND id <= ?", [.int(after), .int(upper)]) {
                known[$0.int(0)] = $0.text(1) ?? ""
            }
            return known
        }
    }

    /// Writes `entities` (replacing what was indexed of them) and drops `gone`, in one transaction.
    /// Only ids in `known` (already indexed) need their old rows deleted: on the first build none do.
    func apply(_ entities: [Entity], removing gone: [Int64], libraries: [Int64: Library],
                       known: [Int64: String] = [:]) throws {
        try write(prepare(entities, libraries: libraries), removing: gone, known: known)
    }

    /// The writing half of `apply`, for entities already prepared.
    func write(_ prepared: [(Entity, FlattenedText, Int?)], removing gone: [Int64], known: [Int64: String]) throws {
        try writer.withLock { db in
            try db.transaction {
                for id in gone + prepared.map(\.0.id).filter({ known[$0] != nil }) {
                    try db.query("DELETE FROM fts WHERE rowid = ?", [.int(id)])
                    try db.query("DELETE FROM docs WHERE id = ?", [.int(id)])
                }
                for (entity, text, size) in prepared {
                    try db.query("INSERT INTO fts(rowid, filepath, tags, metadata) VALUES (?, ?, ?, ?)",
                                 [.int(entity.id), .text(text.filepath), .text(text.tags), .text(text.metadata)])
                    try db.query("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                        .int(entity.id), .text(entity.summary.version), .int(entity.summary.libraryID),
                        .int(entity.summary.createdAt), entity.summary.app.map { .text($0) } ?? .null,
                        .text(entity.fileTypeGroup.lowercased()), .text(entity.fileType.lowercased()),
                        .text(entity.summary.filename), size.map { .int(Int64($0)) } ?? .null,
                        .int(max(entity.lastScanAt, entity.summary.createdAt)),
                    ])
                }
            }
            try boundWAL(db)
        }
    }

    /// Keeps the write-ahead log small while the index is written. SQLite's automatic checkpoint
    /// copies pages back but cannot start the log over while any reader is active, and a build
    /// overlaps with its own reads (and with searches) all the time: the log of a million-document
    /// build grew to 2.7 GB that way, and its `-shm` map with it. Every `checkpointEvery`
    /// transactions a RESTART checkpoint waits (within the busy timeout) for the readers of the
    /// moment, so the next writes start at the head of the log; `journal_size_limit` then truncates
    /// the file.
    private func boundWAL(_ db: SQLiteConnection) throws {
        let due = transactionsSinceCheckpoint.withLock { count in
            count += 1
            if count < Self.checkpointEvery { return false }
            count = 0
            return true
        }
        if due { try? db.execute("PRAGMA wal_checkpoint(RESTART)") }
    }

    /// After a sync that wrote: empties the log and gives its disk space back.
    func truncateWAL() {
        writer.withLock { db in try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        transactionsSinceCheckpoint.withLock { $0 = 0 }
    }

    /// The text and rendering size of each entity, worked out on two threads: this is most of the
    /// first build's CPU (OCR JSON decoded twice), and the writer is single-threaded anyway.
    func prepare(_ entities: [Entity], libraries: [Int64: Library]) -> [(Entity, FlattenedText, Int?)] {
        let slices = entities.count >= 64 ? 2 : 1
        let parts = Mutex([[(Entity, FlattenedText, Int?)]](repeating: [], count: slices))
        let sizer = self.sizer
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = stride(from: slice, to: entities.count, by: slices)
            let done = range.map { i in
                let entity = entities[i]
                return (entity, FlattenedText(entity), sizer.map { $0(entity, libraries[entity.summary.libraryID]) })
            }
            parts.withLock { $0[slice] = done }
        }
        let done = parts.withLock { $0 }
        // Back in the entities' order (slice s holds items s, s + slices, …).
        return entities.indices.map { done[$0 % slices][$0 / slices] }
    }

    /// The listed fields of the indexed documents among `ids` (in id order).
    public func listed(ids: [Int64]) throws -> [ListedDocument] {
        var found: [ListedDocument] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = ids[start..<min(ids.count, start + 500)]
            let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
            try readers.withConnection { db in
                try db.query("SELECT id, library_id, filename, created_ts, app, version, rendered_size, changed_ts FROM docs "
                             + "WHERE id IN (\(marks)) ORDER BY id", part.map { .int($0) }) { row in
                    found.append(Self.listedDocument(row))
                }
            }
        }
        return found
    }

    static func listedDocument(_ row: SQLRow) -> ListedDocument {
        let summary = EntitySummary(id: row.int(0), libraryID: row.int(1), filename: row.text(2) ?? "",
                                    createdAt: row.int(3), app: row.text(4), version: row.text(5) ?? "")
        let rendering = row.isNull(6) ? nil : RecordedRendering(size: Int(row.int(6)), changedAt: row.int(7))
        return ListedDocument(summary: summary, rendering: rendering)
    }

    /// Waits until the index is ready, polling; false if `timeout` passed first.
    public func waitUntilReady(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !state.withLock({ $0.ready }) {
            if Date() >= deadline { return false }
            usleep(50_000)
        }
        return true
    }

    /// True when no indexed entity in `libraryIDs` (all when empty) is anything but an image.
    public func onlyImages(libraryIDs: [Int64]) throws -> Bool {
        let filter = libraryIDs.isEmpty ? "" : " AND library_id IN (\(libraryIDs.map(String.init).joined(separator: ",")))"
        return try readers.withConnection { db in
            // Two ranges of `docs_type`, not `!=` (which scans a million rows when all are images).
            try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM docs WHERE (type_group < 'image' OR type_group > 'image')\(filter) LIMIT 1)") == 0
        }
    }

    /// Ranked ids for `request`, restricted to `libraryIDs` when not empty.
    public func search(_ request: SearchRequest, libraryIDs: [Int64]) throws -> [SearchHit] {
        if !state.withLock({ $0.ready }) {
            let admitted = waiters.withLock { count in count < Self.maxWaiters ? { count += 1; return true }() : false }
            let ready = admitted && waitUntilReady(timeout: readyWait)
            if admitted { waiters.withLock { $0 -= 1 } }
            guard ready else {
                let progress = state.withLock { $0.building }?.description ?? "starting"
                throw StoreError.busy("index building (\(progress)); try again shortly")
            }
        }
        let (whereFilters, parameters) = Self.searchFilters(request, libraryIDs: libraryIDs)
        guard let match = FTSQuery.expression(words: request.words, phrases: request.phrases) else {
            guard request.isListMode else { return [] }
            let sql = "SELECT d.id FROM docs d WHERE 1\(whereFilters) ORDER BY d.created_ts DESC, d.id DESC LIMIT ?"
            return try readers.withConnection { db in try Self.ids(db, sql, parameters + [.int(Int64(request.limit))]) }
        }
        return try readers.withConnection { db in
            // bm25 costs a call per match: over a million captures a common word takes a second or
            // more. Past `rankWindow` matches, only the most recent `rankWindow` (by id, which follows
            // capture order) are ranked; counting matches by id is cheap.
            let window = rankWindow
            let floor = try db.scalarInt("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                                         [.text(match), .int(Int64(window))])
            func ranked(from floor: Int64?) throws -> [SearchHit] {
                let recent = floor == nil ? "" : " AND fts.rowid >= ?"
                let sql = "SELECT d.id, -fts.rank FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?\(recent)\(whereFilters) "
                    + "ORDER BY fts.rank, d.id LIMIT ?"
                return try Self.ids(db, sql, [.text(match)] + (floor.map { [.int($0)] } ?? []) + parameters + [.int(Int64(request.limit))])
            }
            let hits = try ranked(from: floor)
            // Filters may leave too few of the recent ones: then everything is ranked.
            return floor != nil && hits.count < request.limit ? try ranked(from: nil) : hits
        }
    }


    private static func ids(_ db: SQLiteConnection, _ sql: String, _ parameters: [SQLValue]) throws -> [SearchHit] {
        var hits: [SearchHit] = []
        try db.query(sql, parameters) { row in
            hits.append(SearchHit(id: row.int(0), rank: hits.count + 1, score: row.columnCount > 1 ? row.double(1) : nil))
        }
        return hits
    }

    /// How many documents match `request` before `limit:` (`user.recallfs.total`).
    public func matchCount(_ request: SearchRequest, libraryIDs: [Int64]) throws -> Int {
        let (whereFilters, parameters) = Self.searchFilters(request, libraryIDs: libraryIDs)
        return try readers.withConnection { db in
            guard let match = FTSQuery.expression(words: request.words, phrases: request.phrases) else {
                guard request.isListMode else { return 0 }
                return Int(try db.scalarInt("SELECT count(*) FROM docs d WHERE 1\(whereFilters)", parameters) ?? 0)
            }
            return Int(try db.scalarInt("SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?\(whereFilters)",
                                        [.text(match)] + parameters) ?? 0)
        }
    }

    /// A request's filters as SQL conditions on `docs d` (each starting with ` AND `) and parameters.
    static func searchFilters(_ request: SearchRequest, libraryIDs: [Int64]) -> (String, [SQLValue]) {
        var filters: [String] = []
        var parameters: [SQLValue] = []
        func any(_ column: String, _ values: [SQLValue], collate: String = "") {
            guard !values.isEmpty else { return }
            filters.append("\(column)\(collate) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))")
            parameters += values
        }
        any("d.library_id", libraryIDs.map { .int($0) })
        any("d.app", request.apps.map { .text($0) }, collate: " COLLATE NOCASE")
        if let start = request.start { filters.append("d.created_ts >= ?"); parameters.append(.int(start)) }
        if let end = request.end { filters.append("d.created_ts < ?"); parameters.append(.int(end)) }
        if !request.types.isEmpty {
            let types = request.types.map { SQLValue.text($0.lowercased()) }
            let marks = Array(repeating: "?", count: types.count).joined(separator: ",")
            filters.append("(d.type_group IN (\(marks)) OR d.file_type IN (\(marks)))")
            parameters += types + types
        }
        return (filters.map { " AND " + $0 }.joined(), parameters)
    }
}
