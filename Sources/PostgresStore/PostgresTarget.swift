import CPostgres
import FoundationEssentials
import Glibc
import Store

/// What `--db postgresql://…` names, parsed by libpq itself (`PQconninfoParse`), so that a URI and a
/// `host=a,b port=5432,5433 …` string mean exactly what they mean to `psql`.
///
/// - The password never comes from here: one in the string would show in `ps` and in
///   `/proc/PID/cmdline`, so it is refused with where to put it instead (`PGPASSWORD`, `~/.pgpass`,
///   `passfile=`), which libpq reads on its own.
/// - A list of hosts is libpq's failover (`target_session_attrs=any|read-only|prefer-standby|…`); each
///   new pooled connection starts from the next host of the list, so reads spread over the servers
///   (libpq 15 has no `load_balance_hosts`), and a server that goes away is skipped by libpq.
public struct PostgresTarget: Sendable, Equatable {
    /// libpq's keywords and values as given, password excluded.
    public let given: [String: String]
    /// The servers in the order given: `host:port`.
    public let servers: [String]

    /// Whether `text` names a PostgreSQL database rather than a SQLite file path.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
            || (lower.contains("=") && (lower.hasPrefix("host=") || lower.hasPrefix("dbname=") || lower.hasPrefix("service=")))
    }

    public init(_ conninfo: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let why = errorMessage.map { PostgresConnection.message($0) } ?? "out of memory"
            PQfreemem(errorMessage)
            throw StoreError.invalid("not a PostgreSQL connection string: \(why)")
        }
        defer { PQconninfoFree(options) }
        var given: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { given[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        if given["password"].map({ !$0.isEmpty }) ?? false {
            throw StoreError.invalid("a password in --db would show in ps; put it in PGPASSWORD or ~/.pgpass (or name a file with passfile=) instead")
        }
        given["password"] = nil
        self.given = given
        let hosts = Self.list(given["host"] ?? given["hostaddr"] ?? "")
        let ports = Self.list(given["port"] ?? "")
        servers = (hosts.isEmpty ? ["localhost"] : hosts).enumerated().map { index, host in
            let port = ports.isEmpty ? "5432" : ports.count == 1 ? ports[0] : ports[min(index, ports.count - 1)]
            return (host.hasPrefix("/") ? "socket \(host)" : host) + ":" + port
        }
    }

    static func list(_ value: String) -> [String] {
        value.isEmpty ? [] : value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// For the log and the status files: `postgresql://user@host:port,host:port/db`, no password.
    public var displayName: String {
        let user = given["user"].map { $0 + "@" } ?? ""
        return "postgresql://\(user)\(servers.joined(separator: ","))/\(given["dbname"] ?? "")"
    }

    /// What the daemon adds to every connection: read-only transactions, a statement timeout within
    /// the request budget, UTC (timestamps are read as Unix seconds either way), a plan per call for
    /// prepared statements (a search's plan depends on how common its words are: a generic plan
    /// would read every match of a common word), a bounded connect time per server, and keepalives
    /// so that a server that vanished is noticed.
    func sessionParameters(statementTimeout: Double, connectTimeout: Double) -> [(String, String)] {
        let options = "-c default_transaction_read_only=on -c statement_timeout=\(Int(statementTimeout * 1000))"
            + " -c TimeZone=UTC -c idle_in_transaction_session_timeout=60000 -c plan_cache_mode=force_custom_plan"
        return [("options", ((given["options"].map { $0 + " " }) ?? "") + options),
                ("connect_timeout", String(max(2, Int(connectTimeout.rounded(.up))))),
                ("application_name", given["application_name"] ?? "recallfs"),
                ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
                ("tcp_user_timeout", String(Int(max(statementTimeout, 2) * 1000)))]
    }

    /// The parameters of the `index`-th connection: the host list rotated by `index` (ports and
    /// addresses with it), so that consecutive connections start at different servers.
    func parameters(rotatedBy index: Int, statementTimeout: Double, connectTimeout: Double) -> [(String, String)] {
        var values = given
        for key in ["host", "hostaddr", "port"] {
            guard let value = values[key] else { continue }
            let items = Self.list(value)
            guard items.count == servers.count, items.count > 1 else { continue }
            let shift = index % items.count
            values[key] = (items[shift...] + items[..<shift]).joined(separator: ",")
        }
        let session = sessionParameters(statementTimeout: statementTimeout, connectTimeout: connectTimeout)
        let overridden = Set(session.map(\.0))
        return values.filter { !overridden.contains($0.key) }.sorted { $0.key < $1.key } + session
    }

    /// The parameters that reach exactly one server of the list (for a health ping).
    func parameters(onlyServer index: Int, connectTimeout: Double) -> [(String, String)] {
        var values = given
        for key in ["host", "hostaddr", "port"] {
            guard let value = values[key] else { continue }
            let items = Self.list(value)
            if items.count > 1 { values[key] = items[min(index, items.count - 1)] }
        }
        values["target_session_attrs"] = "any"
        values["connect_timeout"] = String(max(2, Int(connectTimeout.rounded(.up))))
        return values.sorted { $0.key < $1.key }
    }
}
