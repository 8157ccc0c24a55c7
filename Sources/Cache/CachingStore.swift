import FoundationEssentials
import Store
import Synchronization

/// A `DocumentStore` decorator that reuses answers from the `TieredCache`: entities for their TTL
/// (5 minutes by default), the library list for 30 s. Listings pass through, so new entities show up
/// at once; searches pass through too, because their one cache is the query directory's result list
/// in the tree (`QueryDirectories`), which the kernel-facing names are derived from. The event
/// processor calls `invalidate` for every change it sees.
public final class CachingStore: DocumentStore {
    public let base: DocumentStore
    public let cache: TieredCache
    /// A batch larger than this is a scan (`ls -l`, `grep -r`): caching it would flush what is hot.
    static let scanThreshold = 64

    /// Bumped by every invalidation: an entity loaded across one is not cached (it may predate the
    /// change, and would be served for a whole TTL).
    private let generation = Mutex(0)

    public init(_ base: DocumentStore, cache: TieredCache) {
        self.base = base
        self.cache = cache
    }

    public var backendName: String { base.backendName }

    public func libraries() throws -> [Library] {
        if case .libraries(let cached)? = cache.get(.libraries) { return cached }
        let fresh = try base.libraries()
        cache.put(.libraries, .libraries(fresh))
        return fresh
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }

    public func listing(afterID: Int64, filter: DocumentFilter, limit: Int) throws -> [ListedDocument] {
        try base.listing(afterID: afterID, filter: filter, limit: limit)
    }

    public func earliestCapture(filter: DocumentFilter) throws -> Int64? { try base.earliestCapture(filter: filter) }
    public func appNames(library: Int64?) throws -> [String?] { try base.appNames(library: library) }
    public func neighbours(of id: Int64, count: Int) throws -> Neighbours? { try base.neighbours(of: id, count: count) }

    public func listed(ids: [Int64]) throws -> [ListedDocument] { try base.listed(ids: ids) }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        if case .entity(let cached)? = cache.get(.entity(id)) { return cached.summary }
        return try base.entitySummary(id: id)
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        var found: [Int64: Entity] = [:]
        var missing: [Int64] = []
        for id in ids {
            if case .entity(let cached)? = cache.get(.entity(id)) { found[id] = cached } else { missing.append(id) }
        }
        if !missing.isEmpty {
            let before = generation.withLock { $0 }
            let loaded = try base.entities(ids: missing)
            let keep = missing.count <= Self.scanThreshold && generation.withLock { $0 == before }
            for entity in loaded {
                if keep { cache.put(.entity(entity.id), .entity(entity)) }
                found[entity.id] = entity
            }
        }
        return ids.compactMap { found[$0] }
    }

    public func entityCount(library: Int64?) throws -> Int { try base.entityCount(library: library) }

    public func search(_ request: SearchRequest) throws -> [SearchHit] { try base.search(request) }
    public func matchCount(_ request: SearchRequest) throws -> Int? { try base.matchCount(request) }

    /// `invalidate` for one changed entity.
    public func invalidate(entity id: Int64) { invalidate([ChangeEvent(kind: .updated, id: id, source: "direct")]) }

    /// Forgets what the changes make stale: each named document's entries (entity, rendering, chunks
    /// on disk) and the library list, then passes the changes down. Touches only those entries (see
    /// `MemoryTier.removeAll(inGroup:)`).
    public func invalidate(_ changes: [ChangeEvent]) {
        guard !changes.isEmpty else { return }
        generation.withLock { $0 += 1 }
        for change in changes { cache.removeDocument(change.id) }
        cache.removeAll(.libraries)
        base.invalidate(changes)
    }
}
