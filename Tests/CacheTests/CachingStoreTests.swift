import Cache
import Foundation
import Store
import Testing
import TestSupport

private func entity(_ id: Int64, _ text: String = "meeting notes", version: String = "v1") -> Entity {
    Entity(summary: EntitySummary(id: id, libraryID: 1, filename: "shot-\(id).webp", createdAt: 1_768_469_400 + id,
                                  app: "Firefox", version: version),
           filepath: "/screens/shot-\(id).webp", size: 100 + id, fileType: "webp", fileTypeGroup: "image",
           lastModifiedAt: 1_768_469_400, lastScanAt: 1_768_469_400, tags: [],
           metadata: [MetadataEntry(key: "ocr_result", value: text, source: "ocr", dataType: "text")])
}

private let libraries = [Library(id: 1, name: "screenshots", kind: "record")]

private func words(_ words: String...) -> SearchRequest {
    var request = SearchRequest()
    request.words = words
    return request
}

/// A memory-only tiered cache with the given TTLs.
private func memoryCache(search: TimeInterval = 300, entity: TimeInterval = 300, libraries: TimeInterval = 30) throws -> TieredCache {
    var configuration = CacheConfiguration()
    configuration.searchTTL = search
    configuration.entityTTL = entity
    configuration.librariesTTL = libraries
    return try TieredCache(configuration: configuration, diskDirectory: nil)
}

@Suite struct CachingStoreTests {
    let mock = MockDocumentStore(libraries: libraries, entities: (1...5).map { entity($0) })
    let cache: TieredCache
    let store: CachingStore
    init() throws {
        cache = try memoryCache()
        store = CachingStore(mock, cache: cache)
    }

    @Test func backendNameIsTheBase() {
        #expect(store.backendName == "mock")
    }

    @Test func searchesPassThrough() throws {
        // A search's one cache is the tree's query directory (QueryDirectoriesTests); here each is asked.
        #expect(try store.search(words("meeting")).count == 5)
        mock.put(entity(6))
        #expect(try store.search(words("meeting")).count == 6)
        mock.fail(with: .unavailable("down"))
        #expect(throws: StoreError.unavailable("down")) { try store.search(words("meeting")) }
        #expect(cache.memory.stats.entries == 0)
    }

    @Test func entitiesAreServedFromCacheUntilInvalidated() throws {
        let original = try #require(try store.entity(id: 3))
        mock.put(entity(3, "changed", version: "v2"))
        #expect(try store.entity(id: 3) == original)
        #expect(try store.entitySummary(id: 3)?.version == "v1")  // summaries of cached entities too
        mock.fail(with: .unavailable("down"))
        #expect(try store.entities(ids: [3]) == [original])
        mock.fail(with: nil)
        store.invalidate(entity: 3)
        #expect(try store.entity(id: 3)?.value(for: "ocr_result") == "changed")
        #expect(try store.entitySummary(id: 3)?.version == "v2")
    }

    @Test func invalidatingOneEntityKeepsTheOthers() throws {
        _ = try store.entities(ids: [1, 2])
        cache.put(.rendered(2), .rendered(RenderedInfo(version: "v1", name: "2-x.md", libraryID: 1, size: 10, modified: 0, changed: 0)))
        cache.put(.rendered(1), .rendered(RenderedInfo(version: "v1", name: "1-x.md", libraryID: 1, size: 10, modified: 0, changed: 0)))
        mock.put(entity(1, "one", version: "v2"))
        mock.put(entity(2, "two", version: "v2"))
        store.invalidate(entity: 1)
        #expect(try store.entities(ids: [1, 2]).map(\.summary.version) == ["v2", "v1"])
        #expect(cache.get(.rendered(1)) == nil)  // its rendering goes too
        #expect(cache.get(.rendered(2)) != nil)
    }

    @Test func mixedBatchesFetchOnlyTheMissingAndKeepTheOrder() throws {
        _ = try store.entities(ids: [2])
        mock.remove(id: 2)  // cached: still answered
        let batch = try store.entities(ids: [4, 2, 99, 1])
        #expect(batch.map(\.id) == [4, 2, 1])
        mock.fail(with: .unavailable("down"))
        #expect(try store.entities(ids: [1, 2, 4]).map(\.id) == [1, 2, 4])  // all three cached now
    }

    @Test func largeBatchesAreNotCached() throws {
        for id in Int64(6)...Int64(80) { mock.put(entity(id)) }
        #expect(try store.entities(ids: Array(Int64(1)...Int64(65))).count == 65)
        #expect(cache.memory.stats.entries == 0)
        #expect(try store.entities(ids: Array(Int64(1)...Int64(64))).count == 64)
        #expect(cache.memory.stats.entries == 64)
        // A large batch of which only a few are missing caches those few.
        #expect(try store.entities(ids: Array(Int64(1)...Int64(70))).count == 70)
        #expect(cache.memory.stats.entries == 70)
        mock.fail(with: .unavailable("down"))
        #expect(try store.entities(ids: Array(Int64(1)...Int64(70))).count == 70)
    }

    @Test func librariesAreCachedAndDroppedByAnyInvalidation() throws {
        #expect(try store.libraries() == libraries)
        mock.fail(with: .unavailable("down"))
        #expect(try store.libraries() == libraries)
        store.invalidate(entity: 1)
        #expect(throws: StoreError.unavailable("down")) { try store.libraries() }
    }

    @Test func listingsAndCountsPassThrough() throws {
        #expect(try store.entitySummaries(afterID: 0, library: nil, limit: 100).count == 5)
        #expect(try store.entityCount(library: nil) == 5)
        mock.put(entity(6))
        #expect(try store.entitySummaries(afterID: 0, library: nil, limit: 100).map(\.id) == [1, 2, 3, 4, 5, 6])
        #expect(try store.entityCount(library: 1) == 6)
        #expect(try store.entitySummary(id: 6)?.id == 6)  // not cached: asked of the base
        mock.fail(with: .busy("locked"))
        #expect(throws: StoreError.busy("locked")) { try store.entitySummaries(afterID: 0, library: nil, limit: 1) }
    }

    @Test func errorsAreNotCached() throws {
        mock.fail(with: .busy("locked"))
        #expect(throws: StoreError.busy("locked")) { try store.search(words("meeting")) }
        #expect(throws: StoreError.busy("locked")) { try store.entities(ids: [1]) }
        #expect(throws: StoreError.busy("locked")) { try store.libraries() }
        mock.fail(with: nil)
        #expect(try store.search(words("meeting")).count == 5)
        #expect(try store.entities(ids: [1]).count == 1)
        #expect(try store.libraries() == libraries)
    }

    @Test func answersExpireAfterTheirTTL() throws {
        let short = CachingStore(mock, cache: try memoryCache(search: 0.05, entity: 0.05, libraries: 0.05))
        _ = try short.entity(id: 1)
        _ = try short.libraries()
        mock.put(entity(1, "changed", version: "v2"))
        #expect(try short.entity(id: 1)?.summary.version == "v1")  // still fresh
        Thread.sleep(forTimeInterval: 0.15)
        #expect(try short.entity(id: 1)?.summary.version == "v2")
        _ = try short.libraries()
        #expect(short.cache.memory.stats.evictions[.expired] == 2)
    }

    @Test func zeroTTLsServeNothingFromCache() throws {
        let uncached = CachingStore(mock, cache: try memoryCache(search: 0, entity: 0, libraries: 0))
        _ = try uncached.search(words("meeting"))
        _ = try uncached.entities(ids: [1])
        _ = try uncached.libraries()
        mock.put(entity(6))
        mock.put(entity(1, "changed", version: "v2"))
        #expect(try uncached.search(words("meeting")).map(\.id) == [6, 5, 4, 3, 2])
        #expect(try uncached.entity(id: 1)?.summary.version == "v2")
        #expect(uncached.cache.memory.stats.hits == 0)
    }

    @Test func hitsAndMissesAreCounted() throws {
        _ = try store.search(words("meeting"))
        _ = try store.search(words("meeting"))
        _ = try store.libraries()
        _ = try store.libraries()
        _ = try store.entities(ids: [1, 2])
        _ = try store.entities(ids: [1, 2])
        let stats = cache.memory.stats
        #expect(stats.hits == 3 && stats.misses == 3 && stats.entries == 3)  // searches are not cached here
        store.invalidate(entity: 1)
        #expect(cache.memory.stats.entries == 1)  // entity 2
        #expect(cache.memory.stats.evictions[.invalidated] == 2)
    }
}
