import FoundationEssentials
import Logging
import PostgresStore
import Store
import Tree

/// Which stores a mount uses and whether they can be reached: Pensieve's API first (unless `--no-api`),
/// its database (a SQLite file, or a PostgreSQL server list) as the fallback. Checked before mounting, so that a mount with neither fails
/// with one clear line instead of a mount that answers nothing.
struct StorePlan {
    let sources: DaemonConfiguration.Sources
    var databasePath: String { sources.databasePath }
    var databaseExplicit: Bool { sources.databaseExplicit }
    var apiURL: String? { sources.apiURL }
    var allowRemoteAPI: Bool { sources.allowRemoteAPI }

    init(_ sources: DaemonConfiguration.Sources) { self.sources = sources }

    /// The sources the flags and `RECALLFS_DB`/`RECALLFS_API` name, over the defaults.
    init(db: String?, api: String?, noAPI: Bool, allowRemoteAPI: Bool) {
        var sources = DaemonConfiguration.Sources()
        let named = db ?? Settings.string("RECALLFS_DB")
        sources.databaseExplicit = named != nil
        let given = named ?? sources.databasePath
        sources.databasePath = PostgresTarget.isPostgres(given) ? given
            : Mountpoint.absolute(given.hasPrefix("~") ? homeDirectory() + given.dropFirst() : given)
        sources.apiURL = noAPI ? nil : (api ?? Settings.string("RECALLFS_API") ?? sources.apiURL)
        sources.allowRemoteAPI = allowRemoteAPI
        self.sources = sources
    }

    /// The database is PostgreSQL (`--db postgresql://…`).
    var isPostgres: Bool { PostgresTarget.isPostgres(databasePath) }

    /// nil when the database can be read, else why not. A PostgreSQL connection string that libpq
    /// cannot read, or one with a password in it, throws: that is refused whatever else answers.
    func databaseProblem() throws -> String? {
        if isPostgres { return try PensievePostgresStore.probe(databasePath) }
        if !FileManager.default.fileExists(atPath: databasePath) { return "database not found: \(databasePath)" }
        if !FileManager.default.isReadableFile(atPath: databasePath) { return "database not readable: \(databasePath) (check its permissions)" }
        return nil
    }

    /// nil when the API answers `/api/health`, else why not.
    func apiProblem(timeout: Double) -> String? {
        guard let apiURL else { return "the API is turned off (--no-api)" }
        do {
            try PensieveAPIStore(baseURL: apiURL, timeout: timeout).checkHealth(timeout: timeout)
            return nil
        } catch {
            return "the Pensieve API at \(URLSafety.masked(apiURL)) does not answer (\(error))"
        }
    }

    func checkBeforeMount() throws {
        if let apiURL {
            guard let url = URL(string: apiURL), ["http", "https"].contains(url.scheme ?? ""), let host = url.host else {
                throw UserFacingError("not an http(s) URL: \(URLSafety.masked(apiURL))")
            }
            if !Self.isLoopback(host) && !allowRemoteAPI {
                throw UserFacingError("the API URL \(URLSafety.masked(apiURL)) is not on loopback; pass --allow-remote-api to use it (screen text will cross the network)")
            }
        }
        let database: String?
        do { database = try databaseProblem() } catch let error as StoreError { throw UserFacingError(Self.plain(error)) }
        if let database, databaseExplicit, !isPostgres {
            throw UserFacingError(database + " (give --db PATH, or build one with: recallfs index DIR --db PATH)")
        }
        if database != nil, let problem = apiProblem(timeout: 2) {
            throw UserFacingError("nothing to mount: \(problem), and \(database!) (give --db PATH or --api URL)")
        }
    }

    static func isLoopback(_ host: String) -> Bool { URLSafety.isLoopback(host) }

    struct Opened {
        var failover: FailoverStore
        var api: PensieveAPIStore?
        var index: SearchIndex?
        var saved: SavedQueries
        /// Where change events come from when there is no local index to sync (PostgreSQL).
        var databaseFeed: ChangeFeed?
    }

    /// Opens the stores for serving and runs the first API health check (circuit and search probe).
    func open(cacheDir: String, apiTimeout: Double, apiMaxBody: Int, countCheckInterval: Double, maxSavedQueries: Int,
              indexWait: Double, logger: Logger) throws -> Opened {
        do {
            var local: (any DatabaseStore)?
            var index: SearchIndex?
            var feed: ChangeFeed?
            if isPostgres {
                // No local index: the server searches. A server list that does not answer now is
                // served by the API meanwhile (checked before mounting: one of them answers).
                let store = try PensievePostgresStore(conninfo: databasePath, statementTimeout: sources.databaseTimeout,
                                                      requireServer: false)
                local = store
                feed = PostgresChangeFeed(store: store)
            } else if try databaseProblem() == nil {
                // The index records each rendering's size as it indexes, so `ls -l` renders nothing.
                index = try SearchIndex(path: cacheDir + "/index.sqlite", source: databasePath, readyWait: indexWait,
                                        sizer: { entity, library in DocumentRenderer.size(entity, library: library) })
                local = try PensieveSQLiteStore(path: databasePath, index: index)
            }
            let saved = try SavedQueries(path: cacheDir + "/index.sqlite", capacity: maxSavedQueries)
            let api = apiURL.map { PensieveAPIStore(baseURL: $0, timeout: apiTimeout, maxBodyBytes: apiMaxBody) }
            if let apiURL, let host = URL(string: apiURL)?.host, !Self.isLoopback(host) {
                logger.warning("using a remote API at \(URLSafety.masked(apiURL)): screen text crosses the network")
            }
            let failover = FailoverStore(api: api, local: local, budget: apiTimeout, countCheckInterval: countCheckInterval,
                                         localFirstAtScale: true)
            failover.checkHealth()
            if api != nil, !failover.circuit.allowsRequests {
                logger.warning("the API at \(URLSafety.masked(apiURL!)) is not answering; serving from SQLite until it does")
            }
            return Opened(failover: failover, api: api, index: index, saved: saved, databaseFeed: feed)
        } catch let error as StoreError {
            throw UserFacingError(Self.plain(error))
        }
    }

    static func plain(_ error: StoreError) -> String {
        switch error {
        case .unavailable(let r), .busy(let r), .invalid(let r), .failed(let r): return r
        }
    }
}
