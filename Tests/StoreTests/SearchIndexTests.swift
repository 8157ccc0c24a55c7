import Foundation
import Store
import Testing
import TestSupport

/// Pensieve's `ocr_result` JSON for the given lines.
func ocrJSON(_ lines: String...) -> String { ocrJSON(lines) }

func ocrJSON(_ lines: [String]) -> String {
    let boxes = lines.map { ["dt_boxes": [[0, 0], [1, 0], [1, 1], [0, 1]], "rec_txt": $0, "score": 0.9] as [String: Any] }
    return String(decoding: try! JSONSerialization.data(withJSONObject: boxes), as: UTF8.self)
}

private func ts(_ text: String) -> Int64 { PensieveTime.parse(text)! }

/// Six entities in two libraries of a real Pensieve-format database, with an index over them.
final class SearchCorpus {
    let fixture: PensieveFixture
    let screenshots: Int64
    let work: Int64
    let e1, e2, e3, e4, e5, e6: Int64
    let index: SearchIndex
    let store: PensieveSQLiteStore

    init() throws {
        let f = try PensieveFixture()
        fixture = f
        screenshots = try f.addLibrary("screenshots")
        work = try f.addLibrary("Work Notes", kind: "static")
        e1 = try f.addEntity(library: screenshots, filepath: "/shots/e1.png", created: "2026-01-10 08:00:00.000000",
                             app: "Firefox", metadata: [Meta(key: "ocr_result", value: ocrJSON("Budget review", "meeting"), type: "JSON_DATA")])
        e2 = try f.addEntity(library: screenshots, filepath: "/shots/e2.png", created: "2026-01-15 09:30:00.000000",
                             app: "Slack", metadata: [Meta(key: "ocr_result", value: ocrJSON("budget only here"), type: "JSON_DATA")])
        e3 = try f.addEntity(library: screenshots, filepath: "/shots/e3.png", created: "2026-02-01 12:00:00.000000",
                             app: "firefox", metadata: [Meta(key: "ocr_result", value: ocrJSON("Café au lait", "menu"), type: "JSON_DATA")],
                             tags: ["food", "paris"])
        e4 = try f.addEntity(library: screenshots, filepath: "/shots/e4.png", created: "2026-02-20 10:00:00.000000",
                             app: "Code", metadata: [Meta(key: "text", value: "review of the quarterly plan"),
                                                     Meta(key: "extra", value: "{\"owner\":\"zoë\"}", type: "JSON_DATA"),
                                                     Meta(key: "pages", value: "3", type: "NUMBER_DATA")])
        e5 = try f.addEntity(library: work, filepath: "/work/e5.md", created: "2026-01-20 00:00:00.000000",
                             fileType: "markdown", group: "text", metadata: [Meta(key: "text", value: "budget review draft")])
        e6 = try f.addEntity(library: work, filepath: "/work/e6.txt", created: "2026-03-01 00:00:00.000000",
                             fileType: "txt", group: "text", metadata: [Meta(key: "text", value: "unrelated content")])
        index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path)
        store = try f.openStore(index: index)
    }

    func search(_ configure: (inout SearchRequest) -> Void) throws -> [Int64] {
        var request = SearchRequest()
        configure(&request)
        let hits = try store.search(request)
        #expect(hits.map(\.rank) == hits.indices.map { $0 + 1 })
        return hits.map(\.id)
    }
}

@Suite struct SearchIndexTests {
    @Test func synchronizeIndexesEverythingOnce() throws {
        let c = try SearchCorpus()
        #expect(!c.index.syncState.ready)
        #expect(!c.index.waitUntilReady(timeout: 0.05))
        let first = try c.index.synchronize(from: c.store)
        #expect(first.ready && first.documents == 6 && first.added == 6 && first.updated == 0 && first.removed == 0)
        #expect(first.lastError == nil && first.lastSyncAt != nil)
        let second = try c.index.synchronize(from: c.store)
        #expect(second.added == 0 && second.updated == 0 && second.removed == 0 && second.documents == 6)
        #expect(c.index.syncState == second)
    }

    @Test func wordsPhrasesAndPrefixes() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        #expect(Set(try c.search { $0.words = ["budget", "review"] }) == [c.e1, c.e5])
        #expect(Set(try c.search { $0.words = ["bud"] }) == [c.e1, c.e2, c.e5])
        #expect(try c.search { $0.words = ["cafe"] } == [c.e3])                  // diacritics folded
        #expect(try c.search { $0.words = ["ZOE"] } == [c.e4])                   // JSON metadata, folded
        #expect(try c.search { $0.phrases = ["review meeting"] } == [c.e1])      // OCR lines space-joined
        #expect(try c.search { $0.phrases = ["meeting review"] } == [])
        #expect(try c.search { $0.phrases = ["quarterly"] } == [c.e4])
        #expect(try c.search { $0.words = ["paris"] } == [c.e3])                 // tags
        #expect(Set(try c.search { $0.words = ["shots"] }) == [c.e1, c.e2, c.e3, c.e4])  // file path
        #expect(try c.search { $0.words = ["!!!"] } == [])                       // nothing to match, not list mode
        #expect(try c.search { $0.words = ["budget"]; $0.limit = 1 }.count == 1)
    }

    @Test func hostileTextNeverThrows() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        for text in ["\"", "NEAR(", "AND", "filepath:x", "*", "^", "(a OR b)", "{tags}:x", "😀", "'; DROP TABLE docs; --"] {
            #expect(throws: Never.self) { _ = try c.search { $0.words = [text, "budget"]; $0.phrases = [text] } }
        }
        #expect(try c.search { $0.words = ["filepath:shots"] } == [])
    }

    @Test func filters() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        #expect(try c.search { $0.apps = ["FIREFOX"] } == [c.e3, c.e1])
        #expect(try c.search { $0.apps = ["slack", "Code"] } == [c.e4, c.e2])
        #expect(try c.search { $0.apps = ["Firefox"]; $0.words = ["budget"] } == [c.e1])
        #expect(try c.search { $0.libraries = ["Work Notes"] } == [c.e6, c.e5])
        #expect(try c.search { $0.libraries = ["work notes"] } == [c.e6, c.e5])
        #expect(try c.search { $0.libraries = ["screenshots", "Work Notes"] }.count == 6)
        #expect(try c.search { $0.libraries = ["screenshots"]; $0.words = ["budget"] }.sorted() == [c.e1, c.e2])
        #expect(try c.search { $0.types = ["markdown"] } == [c.e5])
        #expect(try c.search { $0.types = ["TEXT"] } == [c.e6, c.e5])
        #expect(try c.search { $0.types = ["image"] } == [c.e4, c.e3, c.e2, c.e1])
        #expect(try c.search { $0.types = ["png", "txt"] } == [c.e6, c.e4, c.e3, c.e2, c.e1])
        #expect(try c.search { $0.types = ["pdf"] } == [])
    }

    @Test func timeFilters() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        #expect(try c.search { $0.start = ts("2026-01-15 00:00:00") } == [c.e6, c.e4, c.e3, c.e5, c.e2])
        #expect(try c.search { $0.end = ts("2026-02-01 00:00:00") } == [c.e5, c.e2, c.e1])
        #expect(try c.search { $0.start = ts("2026-01-15 00:00:00"); $0.end = ts("2026-02-01 00:00:00") } == [c.e5, c.e2])
        // after is inclusive, before exclusive.
        #expect(try c.search { $0.start = ts("2026-01-15 09:30:00"); $0.end = ts("2026-01-15 09:30:01") } == [c.e2])
        #expect(try c.search { $0.end = ts("2026-01-15 09:30:00"); $0.start = ts("2026-01-01 00:00:00") } == [c.e1])
        #expect(try c.search { $0.words = ["budget"]; $0.start = ts("2026-01-12 00:00:00") }.sorted() == [c.e2, c.e5])
    }

    @Test func listModeIsNewestFirstWithLimit() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        #expect(try c.search { _ in } == [c.e6, c.e4, c.e3, c.e5, c.e2, c.e1])
        #expect(try c.search { $0.limit = 2 } == [c.e6, c.e4])
        #expect(try c.index.search(SearchRequest(), libraryIDs: [c.screenshots]).map(\.id) == [c.e4, c.e3, c.e2, c.e1])
    }

    @Test func unknownLibraryIsInvalid() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        let error = #expect(throws: StoreError.self) { try c.search { $0.libraries = ["screenshots", "nope"] } }
        let reason = try #require(invalidReason(error))
        #expect(reason.contains("'nope'") && reason.contains("Work Notes"))
    }

    @Test func incrementalSyncFollowsChanges() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        try c.fixture.setMetadata(c.e2, key: "ocr_result", value: ocrJSON("completely different words"),
                                  updated: "2026-04-01 00:00:00")
        let e7 = try c.fixture.addEntity(library: c.work, filepath: "/work/e7.md", created: "2026-03-05 00:00:00.000000",
                                         fileType: "markdown", group: "text", metadata: [Meta(key: "text", value: "new budget")],
                                         updated: "2026-03-05 00:00:00")
        try c.fixture.deleteEntity(c.e6)
        let state = try c.index.synchronize(from: c.store)
        #expect(state.added == 1 && state.updated == 1 && state.removed == 1 && state.documents == 6)
        #expect(try c.search { $0.words = ["different"] } == [c.e2])
        #expect(Set(try c.search { $0.words = ["budget"] }) == [c.e1, c.e5, e7])
        #expect(try c.search { _ in } == [e7, c.e4, c.e3, c.e5, c.e2, c.e1])
        #expect(try c.search { $0.words = ["unrelated"] } == [])
        // A new tag alone (no updated_at change anywhere) still changes the version.
        try c.fixture.addTag(c.e1, "receipts")
        let tagged = try c.index.synchronize(from: c.store)
        #expect(tagged.updated == 1 && tagged.added == 0 && tagged.removed == 0)
        #expect(try c.search { $0.words = ["receipts"] } == [c.e1])
    }

    /// Pensieve's `entities.id` has no AUTOINCREMENT: deleting the newest entity and adding another
    /// reuses its id. Regression (fixed): the version (PensieveSQLiteStore.summaryColumns) holds only timestamps and
    /// row counts, so a new entity with the same id, timestamps and counts looks unchanged and the
    /// index keeps serving the deleted entity's text.
    @Test func reusedIDIsReindexed() throws {
        let c = try SearchCorpus()
        try c.index.synchronize(from: c.store)
        try c.fixture.deleteEntity(c.e6)
        let reused = try c.fixture.addEntity(library: c.work, filepath: "/work/other.md", created: "2026-03-02 00:00:00.000000",
                                             fileType: "markdown", group: "text", metadata: [Meta(key: "text", value: "zanzibar")])
        #expect(reused == c.e6)
        let state = try c.index.synchronize(from: c.store)
        let stale = try c.search { $0.words = ["unrelated"] }
        let fresh = try c.search { $0.words = ["zanzibar"] }
        #expect(state.updated == 1)
        #expect(stale == [])
        #expect(fresh == [reused])
    }

    @Test func differentSourceRebuildsTheIndex() throws {
        let c = try SearchCorpus()
        let path = c.fixture.temp.path("shared-index.sqlite")
        do {
            let index = try SearchIndex(path: path, source: "/db/one")
            #expect(try index.synchronize(from: c.store).documents == 6)
        }
        do {  // same source: kept, and ready at once
            let index = try SearchIndex(path: path, source: "/db/one")
            #expect(index.syncState.ready && index.syncState.documents == 6)
            #expect(try index.search(SearchRequest(), libraryIDs: []).count == 6)
        }
        do {  // another source: emptied and not ready until synced
            let index = try SearchIndex(path: path, source: "/db/two")
            #expect(!index.syncState.ready && index.syncState.documents == 0)
            let state = try index.synchronize(from: c.store)
            #expect(state.added == 6 && state.documents == 6)
        }
    }

    @Test func failedSyncIsRecorded() throws {
        let mock = MockDocumentStore(entities: (1...3).map { mockEntity($0) })
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("i.sqlite"), source: "mock")
        try index.synchronize(from: mock)
        mock.fail(with: .unavailable("database vanished"))
        #expect(throws: StoreError.unavailable("database vanished")) { try index.synchronize(from: mock) }
        #expect(index.syncState.lastError?.contains("database vanished") == true)
        #expect(index.syncState.ready)  // still usable: it holds the last good state
        #expect(try index.search(SearchRequest(), libraryIDs: []).count == 3)
    }

    /// More entities than one sync batch (1000): deletions and updates on both sides of batch borders.
    @Test func batchesAcrossBorders() throws {
        let mock = MockDocumentStore(entities: (1...2500).map { mockEntity($0) })
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("i.sqlite"), source: "mock")
        #expect(try index.synchronize(from: mock).added == 2500)
        for id: Int64 in [1, 999, 1000, 1001, 2000, 2001, 2500] { mock.remove(id: id) }
        for id: Int64 in [2, 1002, 2499] { mock.put(mockEntity(id, version: "v2", text: "changed \(id)")) }
        mock.put(mockEntity(4000))
        let state = try index.synchronize(from: mock)
        #expect(state.removed == 7 && state.updated == 3 && state.added == 1 && state.documents == 2494)
        #expect(Set(try index.search(words("changed"), libraryIDs: []).map(\.id)) == [2, 1002, 2499])
        #expect(try index.search(words("doc1000"), libraryIDs: []).isEmpty)
        #expect(try index.search(words("doc4000"), libraryIDs: []).map(\.id) == [4000])
        // Almost everything gone at once.
        for id: Int64 in 1001...2499 { mock.remove(id: id) }
        for id: Int64 in 3...998 { mock.remove(id: id) }
        let after = try index.synchronize(from: mock)
        #expect(after.documents == 2 && after.removed == 2492)
        #expect(try index.search(SearchRequest(), libraryIDs: []).map(\.id) == [4000, 2])
    }

    /// The store fills exactly one batch, and the only change is a deleted id above it.
    @Test func deletionAfterAFullLastBatch() throws {
        let mock = MockDocumentStore(entities: (1...1001).map { mockEntity($0) })
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("i.sqlite"), source: "mock")
        try index.synchronize(from: mock)
        mock.remove(id: 1001)
        let state = try index.synchronize(from: mock)
        #expect(state.removed == 1 && state.documents == 1000 && state.added == 0 && state.updated == 0)
        #expect(try index.search(words("doc1001"), libraryIDs: []).isEmpty)
    }
}

func words(_ list: String...) -> SearchRequest {
    var request = SearchRequest()
    request.words = list
    return request
}

func mockEntity(_ id: Int64, version: String = "v1", text: String? = nil) -> Entity {
    Entity(summary: EntitySummary(id: id, libraryID: 1, filename: "f\(id).txt", createdAt: 1_700_000_000 + id,
                                  app: nil, version: version),
           filepath: "/mock/f\(id).txt", size: 1, fileType: "txt", fileTypeGroup: "text", lastModifiedAt: 0,
           lastScanAt: 0, tags: [], metadata: [MetadataEntry(key: "text", value: text ?? "doc\(id) body",
                                                            source: nil, dataType: "text")])
}
