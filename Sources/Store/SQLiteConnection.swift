import CSQLite
import FoundationEssentials
import Glibc

/// A value bound to a statement parameter.
public enum SQLValue: Sendable, Equatable {
    case int(Int64)
    case text(String)
    case null
}

/// One result row, valid only inside the row callback of `SQLiteConnection.query`.
public struct SQLRow {
    let statement: OpaquePointer

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    public var columnCount: Int32 { sqlite3_column_count(statement) }
    public func text(_ column: Int32) -> String? {
        guard let raw = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: raw, count: count), as: UTF8.self)
    }
}

/// A thin wrapper over one `sqlite3*` with a statement cache.
///
/// A connection is used by one thread at a time (`SQLiteConnectionPool` hands them out), which is why it
/// is `@unchecked Sendable`. Locking and WAL contention are retried here, so that SQLITE_BUSY never
/// reaches a caller as an I/O error while Pensieve writes to its database.
public final class SQLiteConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Prepared statements by SQL text, at most `maxStatements`: SQL built with a list of `?` per
    /// value (ids, filter values) has one text per list length, and must not grow memory without end.
    private var statements: [String: OpaquePointer] = [:]
    private var statementOrder: [String] = []
    static let maxStatements = 64
    private var running: Set<String> = []
    public let path: String
    /// How long a single statement keeps retrying SQLITE_BUSY/LOCKED/PROTOCOL before giving up.
    private let busyBudget: TimeInterval

    /// Opens `path`. `readOnly` opens with `mode=ro`, which never writes the main database file.
    public init(path: String, readOnly: Bool, create: Bool = false, busyTimeoutMS: Int32 = 5_000) throws {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        var db: OpaquePointer?
        // A URI (for `mode=ro`), with the path percent-encoded: `?`, `#` and `%` are legal in file names.
        let uri = URL(fileURLWithPath: path).absoluteString
            + (readOnly ? "?mode=ro" : "")
        let rc = sqlite3_open_v2(uri, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError.unavailable("cannot open \(path): \(message)")
        }
        handle = db
        self.path = path
        busyBudget = TimeInterval(busyTimeoutMS) / 1000 * 2
        sqlite3_busy_timeout(db, busyTimeoutMS)
        sqlite3_extended_result_codes(db, 1)
        // 1 MB of page cache per connection (SQLite's default is 2 MB): a pool of eight must fit a
        // small container next to the caches, and reads by id gain little from more.
        sqlite3_exec(db, "PRAGMA cache_size = -1024", nil, nil, nil)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results (DDL, pragmas, transactions).
    public func execute(_ sql: String) throws {
        try retryingBusy {
            var error: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(handle, sql, nil, nil, &error)
            if let error {
                let message = String(cString: error)
                sqlite3_free(error)
                return (rc, message)
            }
            return (rc, nil)
        }
    }

    /// Runs `sql` with `parameters` and calls `row` for each result row.
    public func query(_ sql: String, _ parameters: [SQLValue] = [], row: (SQLRow) throws -> Void = { _ in }) throws {
        let statement = try prepared(sql)
        let outermost = running.insert(sql).inserted
        defer {
            sqlite3_reset(statement); sqlite3_clear_bindings(statement)
            if outermost { running.remove(sql) }
        }
        let deadline = Date().addingTimeInterval(busyBudget)
        var produced = false
        while true {
            try bind(parameters, to: statement)
            var rc = sqlite3_step(statement)
            while rc == SQLITE_ROW {
                produced = true
                try row(SQLRow(statement: statement))
                rc = sqlite3_step(statement)
            }
            if rc == SQLITE_DONE { return }
            // Retrying after rows were delivered would deliver them twice; only retry before.
            if Self.isTransient(rc), !produced, Date() < deadline {
                sqlite3_reset(statement)
                usleep(20_000)
                continue
            }
            throw error(rc, sql: sql)
        }
    }

    /// The first column of the first row as an integer, or nil.
    public func scalarInt(_ sql: String, _ parameters: [SQLValue] = []) throws -> Int64? {
        var value: Int64?
        try query(sql, parameters) { row in if value == nil, !row.isNull(0) { value = row.int(0) } }
        return value
    }

    /// Runs `body` inside BEGIN IMMEDIATE/COMMIT, rolling back on error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Statements held now (tests check the bound).
    public var cachedStatements: Int { statements.count }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, sql: sql) }
        // The oldest goes, unless it is running (a query started from another query's row callback).
        if statements.count >= Self.maxStatements, let victim = statementOrder.firstIndex(where: { !running.contains($0) }) {
            let oldest = statementOrder.remove(at: victim)
            if let old = statements.removeValue(forKey: oldest) { sqlite3_finalize(old) }
        }
        statements[sql] = statement
        statementOrder.append(sql)
        return statement
    }

    private func bind(_ parameters: [SQLValue], to statement: OpaquePointer) throws {
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch value {
            case .int(let v): rc = sqlite3_bind_int64(statement, position, v)
            case .null: rc = sqlite3_bind_null(statement, position)
            case .text(let s):
                rc = s.utf8CString.withUnsafeBufferPointer {
                    csqlite_bind_text_transient(statement, position, $0.baseAddress, Int32($0.count - 1))
                }
            }
            guard rc == SQLITE_OK else { throw error(rc, sql: "bind") }
        }
    }

    private func retryingBusy(_ body: () -> (Int32, String?)) throws {
        let deadline = Date().addingTimeInterval(busyBudget)
        while true {
            let (rc, message) = body()
            if rc == SQLITE_OK { return }
            if Self.isTransient(rc), Date() < deadline { usleep(20_000); continue }
            throw classify(rc, message: message ?? String(cString: sqlite3_errmsg(handle)))
        }
    }

    private static func isTransient(_ rc: Int32) -> Bool {
        let primary = rc & 0xff
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_PROTOCOL
    }

    private func error(_ rc: Int32, sql: String) -> StoreError {
        classify(rc, message: String(cString: sqlite3_errmsg(handle)) + " [\(sql.prefix(80))]")
    }

    private func classify(_ rc: Int32, message: String) -> StoreError {
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PROTOCOL: return .busy("database stayed locked: \(message)")
        case SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_PERM, SQLITE_AUTH, SQLITE_IOERR:
            return .unavailable("\(path): \(message)")
        default: return .failed("\(path): \(message)")
        }
    }
}
