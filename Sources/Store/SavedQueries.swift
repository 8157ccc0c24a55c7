import Foundation
import Synchronization

/// The query directories that `ls search/` shows, persisted in the cache directory so that they
/// survive remounts. Names are stored verbatim; `rmdir` forgets one.
public final class SavedQueries: Sendable {
    private let db: Mutex<SQLiteConnection>
    private let names: Mutex<[String]>

    /// Uses the `saved_queries` table of the index database at `path`.
    public init(path: String) throws {
        let connection = try SQLiteConnection(path: path, readOnly: false, create: true)
        try connection.execute("CREATE TABLE IF NOT EXISTS saved_queries(name TEXT PRIMARY KEY, created_at INTEGER NOT NULL)")
        var loaded: [String] = []
        try connection.query("SELECT name FROM saved_queries ORDER BY rowid") { loaded.append($0.text(0) ?? "") }
        db = Mutex(connection)
        names = Mutex(loaded)
    }

    public var all: [String] { names.withLock { $0 } }

    public func contains(_ name: String) -> Bool { names.withLock { $0.contains(name) } }

    /// Remembers `name`; a no-op when it is already saved.
    public func add(_ name: String) throws {
        guard !contains(name) else { return }
        try db.withLock { try $0.query("INSERT OR IGNORE INTO saved_queries VALUES (?, ?)",
                                       [.text(name), .int(Int64(Date().timeIntervalSince1970))]) }
        names.withLock { if !$0.contains(name) { $0.append(name) } }
    }

    /// Forgets `name`; false when it was not saved.
    @discardableResult
    public func remove(_ name: String) throws -> Bool {
        guard contains(name) else { return false }
        try db.withLock { try $0.query("DELETE FROM saved_queries WHERE name = ?", [.text(name)]) }
        names.withLock { $0.removeAll { $0 == name } }
        return true
    }
}
