import Cache
import Foundation
import Store
import Testing

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

private func stat(_ store: CachingStore, _ name: String) -> Int? { store.statLines.first { $0.0 == name }?.1 }

@Suite struct CachingStoreTests {
    let mock = MockDocumentStore(libraries: libraries, entities: (1...5).map { entity($0) })
    let store: CachingStore
    init() { store = CachingStore(mock) }

    @Test func backendNameIsTheBase() {
        #expect(store.backendName == "mock")
    }

    @Test func searchIsServedFromCacheUntilInvalidated() throws {
        let first = try store.search(words("meeting"))
        #expect(first.count == 5)
        mock.put(entity(6))
        #expect(try store.search(words("meeting")) == first)  // the new entity is not visible yet
        mock.fail(with: .unavailable("down"))
        #expect(try store.search(words("meeting")) == first)  // nor is the failure: the base is not asked
        mock.fail(with: nil)
        #expect(stat(store, "search_hits") == 2 && stat(store, "search_misses") == 1 && stat(store, "search_entries") == 1)
        #expect(try store.search(words("notes")).count == 6)  // another request is its own entry
        store.invalidate(entity: 6)
        #expect(try store.search(words("meeting")).map(\.id).first == 6)
        #expect(stat(store, "search_invalidated") == 2)
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
        #expect(stat(store, "entity_invalidated") == 1)
    }

    @Test func invalidatingOneEntityKeepsTheOthers() throws {
        _ = try store.entities(ids: [1, 2])
        mock.put(entity(1, "one", version: "v2"))
        mock.put(entity(2, "two", version: "v2"))
        store.invalidate(entity: 1)
        let both = try store.entities(ids: [1, 2])
        #expect(both.map(\.summary.version) == ["v2", "v1"])
    }

    @Test func mixedBatchesFetchOnlyTheMissingAndKeepTheOrder() throws {
        _ = try store.entities(ids: [2])
        mock.remove(id: 2)  // cached: still answered
        let batch = try store.entities(ids: [4, 2, 99, 1])
        #expect(batch.map(\.id) == [4, 2, 1])
        #expect(stat(store, "entity_hits") == 1 && stat(store, "entity_entries") == 3)
    }

    @Test func largeBatchesAreNotCached() throws {
        for id in Int64(6)...Int64(80) { mock.put(entity(id)) }
        let large = Array(Int64(1)...Int64(65))
        #expect(try store.entities(ids: large).count == 65)
        #expect(stat(store, "entity_entries") == 0)
        let small = Array(Int64(1)...Int64(64))
        #expect(try store.entities(ids: small).count == 64)
        #expect(stat(store, "entity_entries") == 64)
        // A large batch of which only a few are missing caches those few.
        #expect(try store.entities(ids: Array(Int64(1)...Int64(70))).count == 70)
        #expect(stat(store, "entity_entries") == 70)
    }

    @Test func librariesAreCached() throws {
        #expect(try store.libraries() == libraries)
        mock.fail(with: .unavailable("down"))
        #expect(try store.libraries() == libraries)
        mock.fail(with: nil)
        #expect(stat(store, "libraries_hits") == 1 && stat(store, "libraries_misses") == 1)
        store.invalidate(entity: 1)
        mock.fail(with: .unavailable("down"))
        #expect(throws: StoreError.unavailable("down")) { try store.libraries() }
    }

    @Test func listingsAndCountsPassThrough() throws {
        #expect(try store.entitySummaries(afterID: 0, library: nil, limit: 100).count == 5)
        #expect(try store.entityCount(library: nil) == 5)
        mock.put(entity(6))
        #expect(try store.entitySummaries(afterID: 0, library: nil, limit: 100).map(\.id) == [1, 2, 3, 4, 5, 6])
        #expect(try store.entityCount(library: 1) == 6)
        #expect(try store.entitySummary(id: 6)?.id == 6)  // not cached: asked of the base
    }

    @Test func errorsAreNotCached() throws {
        mock.fail(with: .busy("locked"))
        #expect(throws: StoreError.busy("locked")) { try store.search(words("meeting")) }
        #expect(throws: StoreError.busy("locked")) { try store.entities(ids: [1]) }
        mock.fail(with: nil)
        #expect(try store.search(words("meeting")).count == 5)
        #expect(try store.entities(ids: [1]).count == 1)
    }

    @Test func zeroTTLsCacheNothing() throws {
        var ttls = CacheTTLs()
        ttls.search = 0; ttls.entity = 0; ttls.libraries = 0
        let uncached = CachingStore(mock, ttls: ttls)
        _ = try uncached.search(words("meeting"))
        _ = try uncached.entities(ids: [1])
        _ = try uncached.libraries()
        mock.put(entity(6))
        #expect(try uncached.search(words("meeting")).count == 6)
        #expect(uncached.statLines.filter { $0.0.hasSuffix("_entries") }.allSatisfy { $0.1 == 0 })
    }

    @Test func expiredSearchIsRecomputed() throws {
        var ttls = CacheTTLs()
        ttls.search = 0.05
        let short = CachingStore(mock, ttls: ttls)
        #expect(try short.search(words("meeting")).count == 5)
        mock.put(entity(6))
        Thread.sleep(forTimeInterval: 0.15)
        #expect(try short.search(words("meeting")).count == 6)
        #expect(stat(short, "search_expired") == 1)
    }

    @Test func statLineNames() {
        let names = store.statLines.map(\.0)
        var expected: [String] = []
        for cache in ["search", "entity", "libraries"] {
            expected += ["hits", "misses", "entries", "expired", "invalidated"].map { "\(cache)_\($0)" }
        }
        #expect(names == expected)
        #expect(store.statLines.allSatisfy { $0.1 == 0 })
    }
}
