import Dispatch
import FoundationEssentials
import Synchronization

/// A fixed-size pool of connections to one database, so that FUSE worker threads read in parallel
/// without sharing a connection: SQLite files (WAL readers do not block each other) and PostgreSQL
/// servers alike.
///
/// `reset()` drops every idle connection and makes busy ones be dropped when they come back, so that
/// the next request connects anew: that is how a SQLite database replaced by rename (a backup tool, a
/// migration) or repaired after corruption is picked up, and how a PostgreSQL mount leaves a server
/// that went away for the next one in its host list. A connection whose request failed as
/// `unavailable` (I/O, corruption, a lost server) is never reused.
public final class ConnectionPool<Connection: Sendable>: Sendable {
    private struct Idle: @unchecked Sendable { var generation = 0; var connections: [Connection] = [] }
    private let idle = Mutex(Idle())
    private let slots: DispatchSemaphore
    /// Called with how many connections were opened before: PostgreSQL rotates its host list with it.
    private let open: @Sendable (Int) throws -> Connection
    private let opened = Atomic<Int>(0)
    /// Oldest idle connection first (round robin) instead of the newest (warm caches).
    private let roundRobin: Bool

    /// `open` is called lazily, whenever no idle connection of the current generation is left.
    public init(capacity: Int, roundRobin: Bool = false, open: @escaping @Sendable (Int) throws -> Connection) {
        self.open = open
        self.roundRobin = roundRobin
        slots = DispatchSemaphore(value: capacity)
    }

    public convenience init(capacity: Int, open: @escaping @Sendable () throws -> Connection) {
        self.init(capacity: capacity, open: { _ in try open() })
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let (generation, reused) = idle.withLock { idle in
            (idle.generation, idle.connections.isEmpty ? nil : roundRobin ? idle.connections.removeFirst() : idle.connections.removeLast())
        }
        let connection = try reused ?? open(opened.add(1, ordering: .relaxed).oldValue)
        do {
            let result = try body(connection)
            idle.withLock { if $0.generation == generation { $0.connections.append(connection) } }
            return result
        } catch StoreError.unavailable(let reason) {
            reset()  // the file is damaged, gone or replaced, or the server is gone: connect again
            throw StoreError.unavailable(reason)
        }  // any other failure drops the connection too: its state is unknown
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

public typealias SQLiteConnectionPool = ConnectionPool<SQLiteConnection>
