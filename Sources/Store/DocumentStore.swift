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
    /// A page of `documents/` (or of one library): `entitySummaries`, each with its rendering's size
    /// where a store recorded it at that version. Decorators pass it on; plain stores list summaries.
    func listing(afterID: Int64, library: Int64?, limit: Int) throws -> [ListedDocument]
    /// The listing fields and recorded rendering sizes of `ids` (search hits), in any order, for those
    /// the store knows cheaply; an id it leaves out is loaded and rendered by the caller.
    func listed(ids: [Int64]) throws -> [ListedDocument]
    func entitySummary(id: Int64) throws -> EntitySummary?
    /// Full entities for `ids`, in the order of `ids`, skipping ids that do not exist.
    func entities(ids: [Int64]) throws -> [Entity]
    func entityCount(library: Int64?) throws -> Int
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

    /// Nothing known cheaply: the caller loads and renders every one.
    public func listed(ids: [Int64]) throws -> [ListedDocument] { [] }

    /// Summaries only: a store that records no sizes.
    public func listing(afterID: Int64, library: Int64?, limit: Int) throws -> [ListedDocument] {
        try entitySummaries(afterID: afterID, library: library, limit: limit).map { ListedDocument(summary: $0) }
    }
}
