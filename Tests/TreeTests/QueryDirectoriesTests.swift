import Cache
import Foundation
import Store
import Testing
import TestSupport
@testable import Tree

private func entity(_ id: Int64, _ text: String) -> Entity {
    Entity(summary: EntitySummary(id: id, libraryID: 1, filename: "shot-\(id).webp", createdAt: 1_768_469_400 + id,
                                  app: "Firefox", version: "v1"),
           filepath: "/screens/shot-\(id).webp", size: 100 + id, fileType: "webp", fileTypeGroup: "image",
           lastModifiedAt: 1_768_469_400, lastScanAt: 1_768_469_400, tags: [],
           metadata: [MetadataEntry(key: "ocr_result", value: text, source: "ocr", dataType: "text")])
}

/// The query directories hold the one cache of search results (the store chain does not cache
/// searches): these are the rules it keeps.
@Suite struct QueryDirectoriesTests {
    let mock = MockDocumentStore(libraries: [Library(id: 1, name: "screenshots", kind: "record")],
                                 entities: (1...5).map { entity($0, "meeting notes") })

    private func tree(ttl: TimeInterval = 300) -> RecallFileSystem {
        var options = TreeOptions()
        options.searchTTL = ttl
        let store = CachingStore(mock, cache: TieredCache.memoryOnly())
        return RecallFileSystem(store: store, board: StatusBoard(), savedQueries: nil, options: options)
    }

    private func ids(_ fs: RecallFileSystem, _ name: String) throws -> [Int64] {
        try fs.queries.results(for: name).hits.map(\.id)
    }

    @Test func resultsAreServedFromTheListUntilInvalidated() throws {
        let fs = tree()
        let first = try ids(fs, "meeting")
        #expect(first.count == 5)
        mock.put(entity(6, "meeting notes"))
        #expect(try ids(fs, "meeting") == first)  // the new entity is not visible yet
        mock.fail(with: .unavailable("down"))
        #expect(try ids(fs, "meeting") == first)  // nor is the failure: the store is not asked
        mock.fail(with: nil)
        #expect(try ids(fs, "notes").count == 6)  // another name is its own list
        _ = fs.invalidate([ChangeEvent(kind: .added, id: 6, source: "test")])
        #expect(try ids(fs, "meeting").first == 6)
    }

    @Test func entriesAreDerivedFromTheHits() throws {
        let results = try tree().queries.results(for: "meeting limit:3")
        #expect(results.hits.count == 3)
        #expect(results.entries.map(\.attributes.inode) == results.hits.map { Node.document($0.id).inode })
        #expect(results.entries.enumerated().allSatisfy { $1.name.hasPrefix("00\($0 + 1)-\(results.hits[$0].id)-") })
    }

    @Test func errorsAreNotCached() throws {
        let fs = tree()
        mock.fail(with: .busy("locked"))
        #expect(throws: StoreError.busy("locked")) { try ids(fs, "meeting") }
        mock.fail(with: nil)
        #expect(try ids(fs, "meeting").count == 5)
    }

    @Test func listsExpireAfterTheTTL() throws {
        let fs = tree(ttl: 0.05)
        #expect(try ids(fs, "meeting").count == 5)
        mock.put(entity(6, "meeting notes"))
        Thread.sleep(forTimeInterval: 0.15)
        #expect(try ids(fs, "meeting").count == 6)
    }

    @Test func aZeroTTLServesNothingFromTheList() throws {
        let fs = tree(ttl: 0)
        _ = try ids(fs, "meeting")
        mock.put(entity(6, "meeting notes"))
        #expect(try ids(fs, "meeting").count == 6)
    }
}
