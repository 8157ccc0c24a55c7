import Dispatch
import FoundationEssentials
import Synchronization

/// A fixed-size pool of connections to one database, so that FUSE worker threads read in parallel
/// (WAL readers do not block each other) without sharing a `sqlite3*`.
///
/// `reset()` drops every idle connection and makes busy ones be dropped when they come back, so that
/// the next request opens the file anew: that is how a database replaced by rename (a backup tool, a
/// migration) or repaired after corruption is picked up. A connection whose query failed with an I/O,
/// corruption or not-a-database error is never reused.
public final class SQLiteConnectionPool: Sendable {
    private struct Idle { var generation = 0; var connections: [SQLiteConnection] = [] }
    private let idle = Mutex(Idle())
    private let slots: DispatchSemaphore
    private let open: @Sendable () throws -> SQLiteConnection

    /// `open` is called lazily, whenever no idle connection of the current generation is left.
    public init(capacity: Int, open: @escaping @Sendable () throws -> SQLiteConnection) {
        self.open = open
        slots = DispatchSemaphore(value: capacity)
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    public func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let (generation, reused) = idle.withLock { ($0.generation, $0.connections.popLast()) }
        let connection = try reused ?? open()
        do {
            let result = try body(connection)
            idle.withLock { if $0.generation == generation { $0.connections.append(connection) } }
            return result
        } catch StoreError.unavailable(let reason) {
            reset()  // the file is damaged, gone or replaced: every connection opens it again
            throw StoreError.unavailable(reason)
        }
    }

    /// Closes the idle connections (their page caches, statements and `-shm` maps); the next request
    /// opens one again. For a daemon gone quiet: a few megabytes for a millisecond's open.
    public func closeIdle() {
        let closing = idle.withLock { idle in defer { idle.connections.removeAll() }; return idle.connections }
        _ = closing  // closed here, outside the lock, as the last references go
    }

    /// Closes every connection as soon as it is idle.
    public func reset() {
        idle.withLock { $0.generation += 1; $0.connections.removeAll() }
    }
}
