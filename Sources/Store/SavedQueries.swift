import FoundationEssentials
import Synchronization

/// The query directories that `ls search/` shows, persisted in the cache directory so that they
/// survive remounts. A name is saved when its directory is listed (not on a mere `stat`), at most
/// `capacity` are kept, and the least recently listed one goes first. Names are stored verbatim;
/// `rmdir` forgets one.
///
/// Saving is best-effort: a full or read-only cache directory must not fail the `ls` that caused it,
/// so `touch` throws and the caller records the problem for health instead of failing the request.
public final class SavedQueries: Sendable {
    private let db: Mutex<SQLiteConnection>
    /// Name → last use (a sequence number, so that uses within one second still have an order) and
    /// when it was last written, and the listing order (first saved first).
    private struct State {
        var lastUse: [String: UInt64] = [:]
        var writtenAt: [String: Int64] = [:]
        var order: [String] = []
        var clock: UInt64 = 0
    }
    private let state: Mutex<State>
    public let capacity: Int
    /// A name listed again within this many seconds is not written again.
    static let refreshSeconds: Int64 = 60

    /// Uses the `saved_queries` table of the index database at `path` (its `created_at` column holds
    /// the last use).
    public init(path: String, capacity: Int = 1000) throws {
        let connection = try SQLiteConnection(path: path, readOnly: false, create: true)
        try connection.execute("CREATE TABLE IF NOT EXISTS saved_queries(name TEXT PRIMARY KEY, created_at INTEGER NOT NULL)")
        var loaded = State()
        var uses: [(name: String, at: Int64)] = []
        try connection.query("SELECT name, created_at FROM saved_queries ORDER BY rowid") { row in
            let name = row.text(0) ?? ""
            guard loaded.writtenAt.updateValue(row.int(1), forKey: name) == nil else { return }
            loaded.order.append(name)
            uses.append((name, row.int(1)))
        }
        for use in uses.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }) {
            loaded.clock += 1
            loaded.lastUse[use.element.name] = loaded.clock
        }
        db = Mutex(connection)
        self.capacity = max(1, capacity)
        state = Mutex(loaded)
        try trimToCapacity()
    }

    public var all: [String] { state.withLock { $0.order } }

    public func contains(_ name: String) -> Bool { state.withLock { $0.lastUse[name] != nil } }

    /// Saves `name`, or marks it used now; drops the least recently used names past the capacity.
    public func touch(_ name: String) throws {
        let now = Int64(Date().timeIntervalSince1970)
        let isNew: Bool? = state.withLock { s in
            s.clock += 1
            if s.lastUse.updateValue(s.clock, forKey: name) != nil {
                if now - (s.writtenAt[name] ?? 0) < Self.refreshSeconds { return nil }
                s.writtenAt[name] = now
                return false
            }
            s.writtenAt[name] = now
            s.order.append(name)
            return true
        }
        guard let isNew else { return }
        try db.withLock { db in
            if isNew {
                try db.query("INSERT OR REPLACE INTO saved_queries VALUES (?, ?)", [.text(name), .int(now)])
            } else {  // an UPDATE keeps the rowid, so the listing order survives a remount
                try db.query("UPDATE saved_queries SET created_at = ? WHERE name = ?", [.int(now), .text(name)])
            }
        }
        if isNew { try trimToCapacity() }
    }

    private func trimToCapacity() throws {
        let dropped: [String] = state.withLock { s in
            guard s.order.count > capacity else { return [] }
            let doomed = s.lastUse.sorted { $0.value < $1.value }.prefix(s.order.count - capacity).map(\.key)
            for name in doomed { s.lastUse.removeValue(forKey: name); s.writtenAt.removeValue(forKey: name) }
            let gone = Set(doomed)
            s.order.removeAll { gone.contains($0) }
            return doomed
        }
        for name in dropped { try db.withLock { try $0.query("DELETE FROM saved_queries WHERE name = ?", [.text(name)]) } }
    }

    /// Forgets `name`; false when it was not saved.
    @discardableResult
    public func remove(_ name: String) throws -> Bool {
        let known = state.withLock { s in
            guard s.lastUse.removeValue(forKey: name) != nil else { return false }
            s.writtenAt.removeValue(forKey: name)
            s.order.removeAll { $0 == name }
            return true
        }
        guard known else { return false }
        try db.withLock { try $0.query("DELETE FROM saved_queries WHERE name = ?", [.text(name)]) }
        return true
    }
}
