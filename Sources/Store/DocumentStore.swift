/// A source of documents: Pensieve's REST API, its SQLite database, the failover between them, the
/// caches and instrumentation around them, and a mock in tests. Each implementation is one layer of
/// the chain the tree reads through (see README, "How it works").
///
/// Every method may block (it runs on a FUSE worker thread) and throws `StoreError`.
public protocol DocumentStore: Sendable {
    /// A short name for `.status/backend`: `sqlite`, `api`, `mock`.
    var backendName: String { get }
    func libraries() throws -> [Library]
    /// Entities with `id > afterID`, ascending by id, at most `limit`; only `library` if given.
    func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary]
    /// A page of the documents `filter` selects with `id > afterID`, ascending by id, each with its
    /// rendering's size where a store recorded it at that version. Decorators pass it on; stores
    /// without an index scan summaries (`scanListing`).
    func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument]
    /// The earliest capture time among the documents `filter` selects (nil when there are none): the
    /// timeline finds its years, months and days with one such question each.
    func earliestCapture(filter: DocumentFilter) throws -> Int64?
    /// The distinct `active_app` values (nil for documents without one) in `library`, or everywhere.
    func appNames(library: Int64?) throws -> [String?]
    /// The `count` captures before and after document `id` in its library, in capture order; nil
    /// when `id` does not exist.
    func neighbours(of id: Int64, count: Int) throws -> Neighbours?
    /// The listing fields and recorded rendering sizes of `ids` (search hits), in any order, for those
    /// the store knows cheaply; an id it leaves out is loaded and rendered by the caller.
    func listed(ids: [Int64]) throws -> [ListedDocument]
    func entitySummary(id: Int64) throws -> EntitySummary?
    /// Full entities for `ids`, in the order of `ids`, skipping ids that do not exist.
    func entities(ids: [Int64]) throws -> [Entity]
    func entityCount(library: Int64?) throws -> Int
    /// How many documents match `request` before its limit; nil when the store cannot count cheaply.
    func matchCount(_ request: SearchRequest) throws -> Int?
    /// Ranked results for `request`.
    func search(_ request: SearchRequest) throws -> [SearchHit]
    /// Drops whatever this store (and the stores under it) keeps that `changes` make stale. Each
    /// layer handles its own state and passes the changes on: instrumented → caching → failover → API.
    func invalidate(_ changes: [ChangeEvent])
}

extension DocumentStore {
    /// Stores that keep nothing have nothing to invalidate.
    public func invalidate(_ changes: [ChangeEvent]) {}

    public func entity(id: Int64) throws -> Entity? { try entities(ids: [id]).first }

    public func matchCount(_ request: SearchRequest) throws -> Int? { nil }

    /// Nothing known cheaply: the caller loads and renders every one.
    public func listed(ids: [Int64]) throws -> [ListedDocument] { [] }

    /// Summaries only, filtered as they come: a store that records no sizes and has no index.
    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        try scanListing(afterID: afterID, filter: filter, limit: limit)
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? { try scanEarliestCapture(filter: filter) }

    public func appNames(library: Int64?) throws -> [String?] { try scanAppNames(library: library) }

    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? { try scanNeighbours(of: id, count: count) }

    /// `neighbours` from every summary of the library, sorted by capture time: for stores without an
    /// index (tests, the API's static libraries).
    public func scanNeighbours(of id: Int64, count: Int) throws -> Neighbours? {
        guard let target = try entitySummary(id: id) else { return nil }
        var all: [EntitySummary] = []
        try forEachSummary(library: target.libraryID) { all.append($0) }
        all.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        guard let at = all.firstIndex(where: { $0.id == id }) else { return nil }
        return Neighbours(before: all[max(0, at - count)..<at].map(\.id), after: all[(at + 1)..<min(all.count, at + 1 + count)].map(\.id))
    }
}
