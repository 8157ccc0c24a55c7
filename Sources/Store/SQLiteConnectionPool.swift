import Foundation
import Synchronization

/// A fixed-size pool of connections to one database, so that FUSE worker threads read in parallel
/// (WAL readers do not block each other) without sharing a `sqlite3*`.
public final class SQLiteConnectionPool: Sendable {
    private let idle: Mutex<[SQLiteConnection]> = Mutex([])
    private let opened = Mutex(0)
    private let slots: DispatchSemaphore
    private let capacity: Int
    private let open: @Sendable () throws -> SQLiteConnection

    /// `open` is called lazily, at most `capacity` times.
    public init(capacity: Int, open: @escaping @Sendable () throws -> SQLiteConnection) {
        self.capacity = capacity
        self.open = open
        slots = DispatchSemaphore(value: capacity)
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    public func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection: SQLiteConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            connection = try open()
            opened.withLock { $0 += 1 }
        }
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection)
    }
}
