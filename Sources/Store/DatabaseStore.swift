/// The database behind the API, which `FailoverStore` falls back to and which serves listings,
/// counts and (at scale) searches by design: Pensieve's SQLite file with our own FTS5 index
/// (`PensieveSQLiteStore`), or Pensieve's PostgreSQL server, which searches itself
/// (`PensievePostgresStore`, in its own target).
public protocol DatabaseStore: DocumentStore {
    /// Where it is, for the log and `.status/health.json`: a path, or PostgreSQL's hosts (never a
    /// password).
    var location: String { get }
    /// Why it cannot serve now, known without asking it (the file is gone, replaced or unreadable; no
    /// server answered), or nil. Health calls the database down while this is set.
    var availabilityProblem: String? { get }
    /// The problem is one that passes by itself (a SQLite file being replaced): cached answers still
    /// serve meanwhile, so health is degraded, not down.
    var problemIsTransient: Bool { get }
    /// Something wrong that does not stop it from serving (one of several servers does not answer):
    /// health is degraded while this is set.
    var degradation: String? { get }
    /// Whether its listings and searches hold every document now (SQLite: our index is built and its
    /// last sync worked; PostgreSQL: always, the server searches its own tables).
    var searchCurrent: Bool { get }
    /// Whether it can search at all (SQLite: the index's first build is done).
    var searchReady: Bool { get }
    /// `search` with the request's library names already resolved (by the caller, once).
    func search(_ request: SearchRequest, libraryIDs: [Int64]) throws -> [SearchHit]
    /// True when every entity in the libraries (all libraries when empty) is an image: then the API's
    /// image-only search is complete.
    func onlyImages(libraryIDs: [Int64]) throws -> Bool
    /// Entities that cannot be listed (an id of 0 or below).
    func unlistableCount() -> Int
    /// Closes the connections no request is using (a daemon gone quiet).
    func closeIdleConnections()
    /// A background check of what `availabilityProblem` and `degradation` report (each server of a
    /// PostgreSQL host list); run with the API's health check.
    func checkHealth()
}

extension DatabaseStore {
    public var degradation: String? { nil }
    public var problemIsTransient: Bool { false }
    public func checkHealth() {}
}

extension PensieveSQLiteStore: DatabaseStore {
    public var location: String { path }
    public var availabilityProblem: String? { fileProblem }
    public var problemIsTransient: Bool { fileProblem != nil }
    public var searchCurrent: Bool { index?.isCurrent ?? false }
    public var searchReady: Bool { index?.syncState.ready ?? false }
}
