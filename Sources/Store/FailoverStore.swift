import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// API first, the database (SQLite or PostgreSQL) when the API is down, slow, broken or wrong, for
/// every request.
///
/// - Each request tries the API within a time budget (retrying a failed read at most twice while
///   budget remains); a connection error, a timeout, a 5xx or an unparseable body is then answered by
///   the database for that same request, so the user sees no error.
/// - After `threshold` consecutive failures the circuit opens and requests go straight to the database
///   until the background health check (`GET /api/health`) answers again.
/// - Searches go to the API only when its answer is known to be complete and correct (see
///   `PensieveAPIStore.canAnswer`): Pensieve 0.37.0 returns images only, finds nothing for several
///   words, ignores time filters next to words and fails every word search with HTTP 500 on stock
///   installs (detected by a capability probe at each health check). Everything else is answered by
///   the local index, which has none of these problems.
public final class FailoverStore: DocumentStore {
    public let api: (any PrimaryStore)?
    public let local: (any DatabaseStore)?
    public let circuit: CircuitBreaker
    /// Seconds a request may spend on the API before the database answers instead.
    public let budget: Double
    private let logger = Logger(label: "recallfs.failover")

    /// What the status files show about failover.
    public struct Stats: Sendable {
        public var lastBackend = "none"
        /// Requests the database answered because the API failed or its circuit was open.
        public var failovers = 0
        public var lastFailover: (at: Date, operation: String, reason: String)?
        public var apiRequests = 0
        public var apiFailures = 0
        public var retries = 0
        public var localRequests = 0
        public var apiLatency = LatencyWindow()
        public var localLatency = LatencyWindow()
        /// Whether `/api/search` answers word queries (false on a stock Pensieve 0.37.0).
        public var apiSearchWorks = false
        /// Whether the API's folder listings hold every entity the database has. They do not when some
        /// entities sit in folders that `/api/libraries` does not list (Pensieve shows DEFAULT folders
        /// only); listings then come from the database.
        public var apiListingComplete = true
        public var lastHealthCheck: (at: Date, ok: Bool, detail: String)?
    }
    private let state = Mutex(Stats())

    /// Seconds between two comparisons of the API's entity total with the database's (at every health
    /// check when 0). Pensieve answers a count with a page of 400 entities and a `count(*)`: about
    /// 1.5 s of its CPU at a million, so a daemon compares every few minutes, not every 30 s.
    public let countCheckInterval: TimeInterval
    private let lastCountCheck = Mutex<Date?>(nil)

    /// The daemon's routing at scale. Searches come from the local index once it is built and its
    /// last sync worked, even those the API could answer: it holds what the files hold, while
    /// Pensieve's own index may lag or be empty, and Pensieve's search takes seconds at a million
    /// captures where the local one takes milliseconds. Entity counts come from the database whenever
    /// it is readable: Pensieve answers a count with a page of 400 entities (1.5 s of its CPU at a
    /// million), and `health.json` shows the count at every read. Off, both go to the API first
    /// (what the failover and routing tests exercise).
    public let localFirstAtScale: Bool

    public init(api: (any PrimaryStore)?, local: (any DatabaseStore)?, budget: Double, threshold: Int = 3,
                countCheckInterval: TimeInterval = 0, localFirstAtScale: Bool = false) {
        self.api = api
        self.local = local
        self.budget = budget
        self.countCheckInterval = countCheckInterval
        self.localFirstAtScale = localFirstAtScale
        circuit = CircuitBreaker(threshold: threshold)
    }

    public var stats: Stats { state.withLock { $0 } }
    /// Where answers come from now: `sqlite` as soon as the circuit is open (scripts read this as "where
    /// my data comes from"), else the store that answered the last request.
    public var backendName: String {
        if api != nil, let local, !circuit.allowsRequests { return local.backendName }
        return state.withLock { $0.lastBackend == "none" ? (api != nil ? "api" : local?.backendName ?? "none") : $0.lastBackend }
    }

    // MARK: - Health

    /// One health check: closes the circuit when the API answers, opens it when not, and re-probes
    /// whether word search works.
    public func checkHealth() {
        local?.checkHealth()
        guard let api else { return }
        do {
            try RequestDeadline.with(seconds: budget) { try api.checkHealth(timeout: nil) }
            let searchWorks = api.probeSearch()
            // The database is counted first: entities only get added through the API meanwhile, so an
            // API total below the database's means the API cannot list some of them.
            var listingComplete = state.withLock { $0.apiListingComplete }
            let due = lastCountCheck.withLock { last in
                guard last.map({ Date().timeIntervalSince($0) >= countCheckInterval }) ?? true else { return false }
                last = Date()
                return true
            }
            if due, let local, let stored = try? local.entityCount(library: nil),
               let listed = try? RequestDeadline.with(seconds: budget, { try api.entityCount(library: nil) }) {
                listingComplete = listed >= stored
            }
            circuit.healthCheckSucceeded()
            state.withLock { $0.lastBackend = "api" }
            var detail = searchWorks ? "ok" : "ok; word search broken (HTTP 500), using the local index"
            if !listingComplete { detail += "; API listings miss entities (folders it does not show), listing from \(local?.backendName ?? "the database")" }
            state.withLock { $0.apiSearchWorks = searchWorks; $0.apiListingComplete = listingComplete; $0.lastHealthCheck = (Date(), true, detail) }
        } catch {
            circuit.healthCheckFailed("health check: \(error)")
            state.withLock { $0.lastHealthCheck = (Date(), false, "\(error)") }
        }
    }

    // MARK: - Routing

    func run<T: Sendable>(_ operation: String, api apiCall: (@Sendable (any PrimaryStore) throws -> T)?,
                          local localCall: (any DatabaseStore) throws -> T) throws -> T {
        var failure: Error?
        if api != nil, apiCall != nil, !circuit.allowsRequests, local != nil {
            // The circuit is open: the database answers without trying the API.
            let reason = "circuit open: " + (circuit.snapshot.lastReason ?? "the API is down")
            state.withLock { $0.failovers += 1; $0.lastFailover = (Date(), operation, reason) }
        } else if let api, let apiCall {
            let started = Date()
            var attempt = 0
            while true {
                attempt += 1
                let remaining = budget - Date().timeIntervalSince(started)
                do {
                    let result = try RequestDeadline.with(seconds: remaining) { try apiCall(api) }
                    circuit.recordSuccess()
                    state.withLock { $0.lastBackend = "api"; $0.apiRequests += 1; $0.apiLatency.add(Date().timeIntervalSince(started)) }
                    return result
                } catch StoreError.invalid(let reason) {
                    circuit.recordSuccess()  // the API answered; the request itself is wrong
                    throw StoreError.invalid(reason)
                } catch {
                    failure = error
                    state.withLock { $0.apiFailures += 1 }
                    // Retry only idempotent reads (all of ours), at most twice, while budget remains.
                    if attempt <= 2, budget - Date().timeIntervalSince(started) > 0.05 {
                        state.withLock { $0.retries += 1 }
                        usleep(20_000)
                        continue
                    }
                    break
                }
            }
            let reason = "\(failure!)"
            if circuit.recordFailure(reason) {
                logger.warning("API circuit opened after \(circuit.threshold) consecutive failures: \(reason)")
            }
            if local != nil {
                logger.warning("\(operation): API failed (\(reason)); answering from \(local!.backendName)")
                state.withLock { $0.failovers += 1; $0.lastFailover = (Date(), operation, reason) }
            }
        }
        guard let local else {
            throw failure ?? StoreError.unavailable("the API is unreachable (circuit open) and no database is configured")
        }
        let started = Date()
        let result = try localCall(local)
        state.withLock { $0.lastBackend = local.backendName; $0.localRequests += 1; $0.localLatency.add(Date().timeIntervalSince(started)) }
        return result
    }

    // MARK: - DocumentStore

    public func libraries() throws -> [Library] {
        try run("libraries", api: { try $0.libraries() }, local: { try $0.libraries() })
    }

    /// Listings and counts go to the API only while its listings are complete (see `apiListingComplete`).
    private var listingAPI: Bool { local == nil || state.withLock { $0.apiListingComplete } }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        var apiCall: (@Sendable (any PrimaryStore) throws -> [EntitySummary])?
        if listingAPI { apiCall = { api in try api.entitySummaries(afterID: afterID, library: library, limit: limit) } }
        return try run("list", api: apiCall, local: { try $0.entitySummaries(afterID: afterID, library: library, limit: limit) })
    }

    /// Pages of `documents/` come from the database whenever it is readable: from the local index
    /// once it is built (one table read by id, each rendering's size recorded), else from Pensieve's
    /// tables by id. The API pages with an offset, which is quadratic on Pensieve's server over a
    /// million entities, and knows no sizes; it lists only when there is no readable database. This
    /// is by design, not a failover, so `.status/backend` keeps naming the store that serves documents.
    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        if let page = try fromDatabase("list", when: local?.searchCurrent == true, {
            try $0.listing(afterID: afterID, filter: filter, limit: limit)
        }) {
            return page
        }
        guard let api, listingAPI || local == nil else {
            return try run("list", api: nil, local: { try $0.listing(afterID: afterID, filter: filter, limit: limit) })
        }
        return try run("list", api: { _ in try api.listing(afterID: afterID, filter: filter, limit: limit) },
                       local: { try $0.listing(afterID: afterID, filter: filter, limit: limit) })
    }

    /// The timeline's, the apps' and the neighbours' questions: like listings, from the database
    /// whenever it is readable (indexed there; the API can only scan), else from the API.
    private func view<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any DocumentStore) throws -> T) throws -> T {
        if let answer = try fromDatabase(operation, when: local?.searchCurrent == true, { try body($0) }) { return answer }
        return try run(operation, api: { try body($0) }, local: { try body($0) })
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? {
        try view("timeline") { try $0.earliestCapture(filter: filter) }
    }

    public func appNames(library: Int64?) throws -> [String?] { try view("apps") { try $0.appNames(library: library) } }

    public func matchCount(_ request: SearchRequest) throws -> Int? {
        try fromDatabase("count", { try $0.matchCount(request) }) ?? nil
    }

    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? {
        try view("around") { try $0.neighbours(of: id, count: count) }
    }

    /// A read the database serves by design (not as a failover) while it is readable, or `also` holds:
    /// nil when there is no readable database, or when it failed and the API can answer instead.
    private func fromDatabase<T>(_ operation: String, when also: Bool = false,
                                 _ body: (any DatabaseStore) throws -> T) throws -> T? {
        guard let local, also || local.availabilityProblem == nil else { return nil }
        let started = Date()
        do {
            let result = try body(local)
            state.withLock { $0.localRequests += 1; $0.localLatency.add(Date().timeIntervalSince(started)) }
            return result
        } catch where api != nil {
            logger.warning("\(operation): the database failed (\(error)); asking the API")
            return nil
        }
    }

    /// Search hits' listing fields and recorded sizes, from the local index whenever it is current
    /// (the hits came from it, or the API's hits are in it): no entity is loaded or rendered for
    /// them. Like listings, by design, not a failover.
    public func listed(ids: [Int64]) throws -> [ListedDocument] {
        try fromDatabase("list", { try $0.listed(ids: ids) }) ?? []
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        try run("entity \(id)", api: { try $0.entitySummary(id: id) }, local: { try $0.entitySummary(id: id) })
    }

    /// Entities read together (a query directory's results, an `ls -l` without recorded sizes) come
    /// from the database when it is readable: the API serves them one request each, so a batch of 50
    /// outlasts the time budget. A single document (`cat`) tries the API first.
    static let bulkRead = 8

    public func entities(ids: [Int64]) throws -> [Entity] {
        if ids.count > Self.bulkRead, let found = try fromDatabase("entities", { try $0.entities(ids: ids) }) {
            return found
        }
        return try run("entities", api: { try $0.entities(ids: ids) }, local: { try $0.entities(ids: ids) })
    }

    public func entityCount(library: Int64?) throws -> Int {
        if localFirstAtScale, let counted = try fromDatabase("count", { try $0.entityCount(library: library) }) { return counted }
        var apiCall: (@Sendable (any PrimaryStore) throws -> Int)?
        if listingAPI { apiCall = { api in try api.entityCount(library: library) } }
        return try run("count", api: apiCall, local: { try $0.entityCount(library: library) })
    }

    /// The API store keeps prefetched entities and listing pages; the database keeps nothing.
    public func invalidate(_ changes: [ChangeEvent]) { api?.invalidate(changes) }

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        let apiCall: (@Sendable (any PrimaryStore) throws -> [SearchHit])?
        // Library names are resolved once, here, for both the routing decision and the local search
        // (nil when a name is unknown or the database unreadable: the local search then says why).
        let libraryIDs = try? local?.libraryIDs(named: request.libraries)
        if let local {
            // A partial index (the first build is running) cannot tell that a library holds only
            // images; until it is ready, only requests that are image-only by their own filters go to
            // the API, which then answers while the local index is still building.
            let indexReady = local.searchReady
            let imagesOnly = { indexReady && libraryIDs.map { (try? local.onlyImages(libraryIDs: $0)) ?? false } == true }
            let searchWorks = request.isListMode || state.withLock { $0.apiSearchWorks }
            let indexAnswers = localFirstAtScale && local.searchCurrent
            if !indexAnswers, searchWorks, let api, api.canAnswer(request, imagesOnly: imagesOnly()) {
                apiCall = { api in try api.search(request) }
            } else {
                apiCall = nil
            }
        } else {
            // API only: several words are searched one by one and intersected (bug 2 would find nothing).
            apiCall = { api in try api.searchIntersectingWords(request) }
        }
        return try run("search", api: apiCall, local: { local in
            try local.search(request, libraryIDs: try libraryIDs ?? local.libraryIDs(named: request.libraries))
        })
    }
}
