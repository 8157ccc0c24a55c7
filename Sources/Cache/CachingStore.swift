import Foundation
import Store

/// Cache settings: how long each kind of answer is reused.
public struct CacheTTLs: Sendable {
    public var search: TimeInterval = 300
    public var entity: TimeInterval = 300
    public var libraries: TimeInterval = 30
    public init() {}
}

/// A `DocumentStore` decorator that reuses answers: search results and entities for their TTL
/// (5 minutes by default), the library list for 30 s. Listings pass through, so new entities show up
/// at once. The event processor calls `invalidate` for every change it sees.
public final class CachingStore: DocumentStore {
    public let base: DocumentStore
    let searches: TTLCache<SearchRequest, [SearchHit]>
    let entityCache: TTLCache<Int64, Entity>
    let libraryCache: TTLCache<Int, [Library]>

    public init(_ base: DocumentStore, ttls: CacheTTLs = CacheTTLs()) {
        self.base = base
        searches = TTLCache(ttl: ttls.search, maxEntries: 512)
        entityCache = TTLCache(ttl: ttls.entity, maxEntries: 4_000)
        libraryCache = TTLCache(ttl: ttls.libraries, maxEntries: 1)
    }

    public var backendName: String { base.backendName }
    static let scanThreshold = 64

    public func libraries() throws -> [Library] {
        if let cached = libraryCache.get(0) { return cached }
        let fresh = try base.libraries()
        libraryCache.put(0, fresh)
        return fresh
    }

    public func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }

    public func entitySummary(id: Int64) throws -> EntitySummary? {
        if let cached = entityCache.get(id) { return cached.summary }
        return try base.entitySummary(id: id)
    }

    public func entities(ids: [Int64]) throws -> [Entity] {
        var found: [Int64: Entity] = [:]
        var missing: [Int64] = []
        for id in ids {
            if let cached = entityCache.get(id) { found[id] = cached } else { missing.append(id) }
        }
        if !missing.isEmpty {
            // A large batch is a scan (`ls -l`, `grep -r`): caching it would flush what is hot.
            let keep = missing.count <= Self.scanThreshold
            for entity in try base.entities(ids: missing) {
                if keep { entityCache.put(entity.id, entity) }
                found[entity.id] = entity
            }
        }
        return ids.compactMap { found[$0] }
    }

    public func entityCount(library: Int64?) throws -> Int { try base.entityCount(library: library) }

    public func search(_ request: SearchRequest) throws -> [SearchHit] {
        if let cached = searches.get(request) { return cached }
        let hits = try base.search(request)
        searches.put(request, hits)
        return hits
    }

    /// Forgets what is cached about `id`, and every search result (any query may now match differently).
    public func invalidate(entity id: Int64) {
        entityCache.remove(id)
        searches.removeAll()
        libraryCache.removeAll()
    }

    /// `name value` pairs for `.status/cache`.
    public var statLines: [(String, Int)] {
        var lines: [(String, Int)] = []
        for (name, stats) in [("search", searches.stats), ("entity", entityCache.stats), ("libraries", libraryCache.stats)] {
            lines += [("\(name)_hits", stats.hits), ("\(name)_misses", stats.misses), ("\(name)_entries", stats.entries),
                      ("\(name)_expired", stats.expired), ("\(name)_invalidated", stats.invalidated)]
        }
        return lines
    }
}
