import CPostgres
import Dispatch
import FoundationEssentials
import Glibc
import Store

/// One result row, valid only inside the row callback of `PostgresConnection.query`. Values come in
/// libpq's text format.
public struct PostgresRow {
    let result: OpaquePointer
    let row: Int32

    public func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) == 1 }
    public func text(_ column: Int32) -> String? {
        guard !isNull(column), let raw = PQgetvalue(result, row, column) else { return nil }
        return String(cString: raw)
    }
    public func int(_ column: Int32) -> Int64 { text(column).flatMap { Int64($0) } ?? 0 }
    public func double(_ column: Int32) -> Double { text(column).flatMap { Double($0) } ?? 0 }
}

/// A thin wrapper over one libpq `PGconn`: prepared statements by SQL text, and every query bounded
/// by a deadline on the caller's thread.
///
/// libpq's blocking calls wait as long as the server does; a frozen server (a `kill -STOP`, a
/// network partition) would hold a FUSE thread forever. Queries therefore go out with
/// `PQsendQueryPrepared` and the answer is awaited with `poll` until the deadline; past it the
/// connection is given up (`unavailable`), and the pool opens another, which libpq points at the next
/// server of the host list. The server's own `statement_timeout` (set at connect) ends the query on
/// its side.
///
/// Used by one thread at a time (the pool hands connections out), hence `@unchecked Sendable`.
public final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: String] = [:]
    static let maxStatements = 64
    /// Seconds a query may take on the client side before the connection is given up.
    let timeout: Double
    /// `host:port` of the server this connection reached.
    public let server: String
    /// Marks a failure to connect at all (no server of the list answered), as opposed to the loss of
    /// an established connection, which is worth one retry on a new one.
    public static let connectFailure = "cannot connect to PostgreSQL"

    /// Connects with libpq's keyword/value parameters (see `PostgresTarget.parameters`).
    public init(parameters: [(String, String)], timeout: Double) throws {
        let connection = withKeywordsAndValues(parameters) { PQconnectdbParams($0, $1, 0) }
        guard let connection else { throw StoreError.unavailable("\(Self.connectFailure): out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(connection))
            PQfinish(connection)
            throw StoreError.unavailable("\(Self.connectFailure): \(message)")
        }
        handle = connection
        self.timeout = timeout
        let host = PQhost(connection).map { String(cString: $0) } ?? "?"
        server = (host.hasPrefix("/") ? "socket \(host)" : host) + ":" + (PQport(connection).map { String(cString: $0) } ?? "?")
    }

    deinit { PQfinish(handle) }

    /// Runs `sql` with text parameters (`$1`…), calling `row` for each result row.
    public func query(_ sql: String, _ parameters: [String?] = [], _ row: (PostgresRow) throws -> Void = { _ in }) throws {
        let deadline = Self.now + timeout
        let name = try prepared(sql, parameterCount: parameters.count, deadline: deadline)
        let cValues = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        let sent = cValues.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            if let name { return PQsendQueryPrepared(handle, name, Int32(parameters.count), values.baseAddress, nil, nil, 0) }
            return PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
        guard sent == 1 else { throw lost("cannot send a query") }
        try awaitResults(deadline: deadline) { result in
            for index in 0..<PQntuples(result) { try row(PostgresRow(result: result, row: index)) }
        }
    }

    /// The first column of the first row as an integer, or nil.
    public func scalarInt(_ sql: String, _ parameters: [String?] = []) throws -> Int64? {
        var value: Int64?
        try query(sql, parameters) { if value == nil, !$0.isNull(0) { value = $0.int(0) } }
        return value
    }

    /// The statement's name once prepared on this connection; nil past `maxStatements` distinct texts
    /// (SQL with one `$n` per id of a list), which then run unnamed.
    private func prepared(_ sql: String, parameterCount: Int, deadline: Double) throws -> String? {
        if let name = statements[sql] { return name }
        guard statements.count < Self.maxStatements else { return nil }
        let name = "recallfs_\(statements.count)"
        guard PQsendPrepare(handle, name, sql, Int32(parameterCount), nil) == 1 else { throw lost("cannot prepare") }
        try awaitResults(deadline: deadline) { _ in }
        statements[sql] = name
        return name
    }

    /// Reads every result of the command sent last, until libpq has none left, within `deadline`.
    private func awaitResults(deadline: Double, _ each: (OpaquePointer) throws -> Void) throws {
        var failure: StoreError?
        while true {
            while PQisBusy(handle) == 1 {
                let left = deadline - Self.now
                guard left > 0 else { throw lost("no answer within \(timeout) s") }
                var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32(min(left * 1000 + 1, 60_000)))
                if ready < 0, errno != EINTR { throw lost("poll: \(String(cString: strerror(errno)))") }
                if ready > 0, PQconsumeInput(handle) == 0 { throw lost(Self.message(PQerrorMessage(handle))) }
            }
            guard let result = PQgetResult(handle) else { break }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_SINGLE_TUPLE:
                if failure == nil { try each(result) }
            default:
                failure = failure ?? error(of: result)
            }
        }
        if let failure { throw failure }
        if PQstatus(handle) != CONNECTION_OK { throw lost(Self.message(PQerrorMessage(handle))) }
    }

    /// A failed result as a `StoreError`, by SQLSTATE: a lost or shutting-down server is
    /// `unavailable` (the pool connects again, to the next server), a statement timeout or a recovery
    /// conflict on a replica is `busy`, a missing table says the database is not Pensieve's.
    private func error(of result: OpaquePointer) -> StoreError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = Self.message(PQresultErrorMessage(result))
        if PQstatus(handle) != CONNECTION_OK || state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
            return lost(message)
        }
        switch state {
        case "57014": return .busy("PostgreSQL \(server): statement timeout (\(message))")
        case "40001", "40P01": return .busy("PostgreSQL \(server): \(message)")
        case "42P01", "42703": return .unavailable("PostgreSQL \(server): not a Pensieve database (\(message))")
        default: return .failed("PostgreSQL \(server): \(message)")
        }
    }

    private func lost(_ why: String) -> StoreError { .unavailable("PostgreSQL \(server): \(why)") }

    static func message(_ raw: UnsafePointer<CChar>?) -> String {
        let text = raw.map { String(cString: $0) } ?? "unknown error"
        return text.split(whereSeparator: \.isNewline).map { $0.trimming { $0 == " " } }.joined(separator: "; ")
    }

    private static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
