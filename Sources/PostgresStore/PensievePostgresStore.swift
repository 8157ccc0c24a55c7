import Dispatch
import FoundationEssentials
import Logging
import Store
import Synchronization

/// Reads Pensieve's PostgreSQL database (`database_path: postgresql://…`) directly, read-only, and
/// searches it on the server through Pensieve's own `entities_fts.search_vector` (a `tsvector` with a
/// GIN index): no local index to build, so a mount over a million captures answers its first search
/// in seconds.
///
/// A small pool of libpq connections (prepared statements, a statement timeout, read-only
/// transactions), keyset paging by id, and a host list for read replicas and failover: see
/// `PostgresTarget`. `.status/backend` names the server that answered last (`postgresql host:port`).
public final class PensievePostgresStore: DatabaseStore {
    public let target: PostgresTarget
    let pool: ConnectionPool<PostgresConnection>
    /// Seconds a statement may run (the server's `statement_timeout`; the client waits a little more).
    public let statementTimeout: Double
    let connectTimeout: Double
    private let logger = Logger(label: "recallfs.postgresql")

    struct Health {
        /// The server that answered the last request.
        var lastServer: String?
        /// Set while no server answers (the last connection attempt failed).
        var unreachable: String?
        /// Servers of the list that did not answer the last health check, with why.
        var down: [String: String] = [:]
        var checking = false
    }
    private let health = Mutex(Health())

    /// Parses `conninfo` and connects once, so that a wrong database fails at mount with libpq's own
    /// words. A server list where none answers is not an error here when `requireServer` is false:
    /// the API may serve meanwhile, and the pool connects once one is back.
    public init(conninfo: String, statementTimeout: Double = 5, connectTimeout: Double = 2, connections: Int = 4,
                requireServer: Bool = true) throws {
        let target = try PostgresTarget(conninfo)
        self.target = target
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
        pool = ConnectionPool(capacity: connections, roundRobin: true) { index in
            try PostgresConnection(parameters: target.parameters(rotatedBy: index, statementTimeout: statementTimeout,
                                                                 connectTimeout: connectTimeout),
                                   timeout: statementTimeout + 1)
        }
        do {
            try checkTables()
        } catch StoreError.unavailable(let reason) where !requireServer && reason.hasPrefix(PostgresConnection.connectFailure) {
            // A server that answers and still refuses us (no such database or role, a wrong password)
            // will not change its mind: that fails the mount. No server answering may be a moment.
            if try Self.probe(conninfo, connectTimeout: connectTimeout) == nil { throw StoreError.unavailable(reason) }
            logger.warning("\(reason); serving without the database until a server answers")
        }
    }

    /// Throws unless the database has Pensieve's tables, `entities_fts` with its `search_vector`
    /// among them.
    private func checkTables() throws {
        let found = try read { db in
            var names: Set<String> = []
            try db.query("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = ANY(current_schemas(false))
                UNION ALL SELECT 'search_vector' FROM information_schema.columns
                WHERE table_name = 'entities_fts' AND column_name = 'search_vector'
                """) { names.insert($0.text(0) ?? "") }
            return names
        }
        let missing = ["libraries", "entities", "metadata_entries", "entity_tags", "tags", "entities_fts", "search_vector"]
            .filter { !found.contains($0) }
        if !missing.isEmpty {
            throw StoreError.unavailable("\(target.displayName) is not a Pensieve database on PostgreSQL (missing: \(missing.joined(separator: ", ")))")
        }
    }

    // MARK: - Reading

    /// Runs `body` on a pooled connection. A connection lost under it (a server stopped, a failover)
    /// is retried once on a new one, which libpq points at the next server that answers: the request
    /// sees no error.
    func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        var retried = false
        while true {
            do {
                var server = ""
                let result = try pool.withConnection { db in server = db.server; return try body(db) }
                // Consecutive answers from different servers are normal (the pool spreads reads); a
                // retry or a return from "unreachable" is news for health.
                let wasUnreachable = health.withLock { h in
                    defer { h.lastServer = server; h.unreachable = nil }
                    return h.unreachable != nil
                }
                if retried || wasUnreachable { recheckSoon() }
                return result
            } catch StoreError.unavailable(let reason) {
                let cannotConnect = reason.hasPrefix(PostgresConnection.connectFailure)
                if cannotConnect { health.withLock { $0.unreachable = reason } }
                guard !retried, !cannotConnect else { throw StoreError.unavailable(reason) }
                logger.warning("\(reason); trying the next server")
                retried = true
            }
        }
    }

    public var backendName: String { "postgresql " + (health.withLock { $0.lastServer } ?? target.servers[0]) }
    public var location: String { target.displayName }
    public var availabilityProblem: String? { health.withLock { $0.unreachable } }
    public var degradation: String? {
        let down = health.withLock { $0.down }
        guard !down.isEmpty, down.count < target.servers.count || availabilityProblem == nil else { return nil }
        return down.sorted { $0.key < $1.key }.map { "postgresql \($0.key) does not answer (\($0.value))" }.joined(separator: "; ")
            + "; reading from the other servers"
    }
    public var searchCurrent: Bool { true }
    public var searchReady: Bool { true }
    public func closeIdleConnections() { pool.closeIdle() }

    /// Pings every server of the list on its own (`PQpingParams`): health names those that do not
    /// answer, and clears "unreachable" once one does.
    public func checkHealth() {
        var down: [String: String] = [:]
        for (index, server) in target.servers.enumerated() {
            if let why = PostgresPing.ping(target.parameters(onlyServer: index, connectTimeout: connectTimeout)) { down[server] = why }
        }
        let allDown = down.count == target.servers.count
        health.withLock { h in
            h.down = down
            if allDown { h.unreachable = h.unreachable ?? "\(PostgresConnection.connectFailure): no server of \(target.displayName) answers" }
            else { h.unreachable = nil }
        }
    }

    /// Before mounting: nil when some server of `conninfo`'s list accepts connections, else why not.
    public static func probe(_ conninfo: String, connectTimeout: Double = 2) throws -> String? {
        let target = try PostgresTarget(conninfo)
        var why: [String] = []
        for index in target.servers.indices {
            guard let problem = PostgresPing.ping(target.parameters(onlyServer: index, connectTimeout: connectTimeout)) else { return nil }
            why.append("\(target.servers[index]): \(problem)")
        }
        return "no PostgreSQL server of \(target.displayName) answers (\(why.joined(separator: "; ")))"
    }

    /// A health check off the request's thread, after a request had to change servers.
    private func recheckSoon() {
        guard health.withLock({ h in defer { h.checking = true }; return !h.checking }) else { return }
        DispatchQueue.global().async { [self] in
            checkHealth()
            health.withLock { $0.checking = false }
        }
    }

    // MARK: - DocumentStore

    public func libraries() throws -> [Library] {
        try read { db in
            var result: [Library] = []
            try db.query("SELECT id, name, kind FROM libraries ORDER BY id") {
                result.append(Library(id: $0.int(0), name: $0.text(1) ?? "", kind: $0.text(2) ?? "static"))
            }
            return result
        }
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try read { db in
            try PostgresSQL.summaries(db, "SELECT \(PostgresSQL.rowColumns) FROM entities e WHERE e.id > $1 AND ($2::bigint IS NULL OR e.library_id = $2) ORDER BY e.id LIMIT $3",
                                      [String(afterID), library.map(String.init), String(limit)])
        }
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        try read { db in
            try PostgresSQL.summaries(db, "SELECT \(PostgresSQL.rowColumns) FROM entities e WHERE e.id = $1", [String(id)]).first
        }
    }

    public func entityCount(library: Int64?) throws -> Int {
        try read { db in
            // Two statements, not `$1 IS NULL OR …`: a prepared statement's generic plan could not use
            // the library index for one and a plain count for the other.
            let count = try library.map { try db.scalarInt("SELECT count(*) FROM entities WHERE library_id = $1", [String($0)]) }
                ?? db.scalarInt("SELECT count(*) FROM entities")
            return Int(count ?? 0)
        }
    }

    public func unlistableCount() -> Int {
        (try? read { db in Int(try db.scalarInt("SELECT count(*) FROM entities WHERE id <= 0") ?? 0) }) ?? 0
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        guard !ids.isEmpty else { return [] }
        var byID: [Int64: Entity] = [:]
        try read { db in
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                try PostgresSQL.load(chunk, from: db, into: &byID)
            }
        }
        return ids.compactMap { byID[$0] }
    }
}
