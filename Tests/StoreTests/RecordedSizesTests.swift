import Foundation
import Store
import Testing
import TestSupport

/// The index records each rendering's size at the version it indexed, and lists documents with it.
@Suite struct RecordedSizesTests {
    /// A stand-in for the tree's renderer: the size depends on the text and the library.
    static let sizer: RenderedSizer = { entity, library in
        (entity.value(for: "ocr_result")?.utf8.count ?? 0) + (library?.name.utf8.count ?? 0) + 1000
    }

    @Test func listingsCarryTheSizeOfTheIndexedVersion() throws {
        let f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        let a = try f.addEntity(library: library, filepath: "/s/a.png", created: "2026-01-10 08:00:00.000000", app: "Firefox",
                                metadata: [Meta(key: "ocr_result", value: "short")])
        let b = try f.addEntity(library: library, filepath: "/s/b.png", created: "2026-01-11 08:00:00.000000",
                                metadata: [Meta(key: "ocr_result", value: "a longer text")])
        let index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path, sizer: Self.sizer)
        let store = try f.openStore(index: index)
        // Before the first build: Pensieve's own rows, without sizes.
        #expect(try store.listing(afterID: 0, library: nil, limit: 10).map(\.rendering) == [nil, nil])
        try index.synchronize(from: store)

        let listed = try store.listing(afterID: 0, library: nil, limit: 10)
        #expect(listed.map(\.summary) == (try store.entitySummaries(afterID: 0, library: nil, limit: 10)))
        #expect(listed.map { $0.rendering?.size } == [1016, 1024])
        #expect(try store.listing(afterID: a, library: library, limit: 10).map(\.summary.id) == [b])
        #expect(try store.listing(afterID: 0, library: library + 1, limit: 10).isEmpty)

        // A capture made since the sync is listed at once (from Pensieve's tables, without a size).
        let c = try f.addEntity(library: library, filepath: "/s/c.png", created: "2026-01-12 08:00:00.000000")
        let withNew = try store.listing(afterID: 0, library: nil, limit: 10)
        #expect(withNew.map(\.summary.id) == [a, b, c] && withNew.last?.rendering == nil)
        #expect(try store.listing(afterID: a, library: nil, limit: 1).map(\.summary.id) == [b])

        // A changed entity is listed with its new size after the next sync, with its new version.
        try f.setMetadata(a, key: "ocr_result", value: "now much longer than before", updated: "2026-03-02 00:00:00")
        try index.synchronize(from: store)
        let again = try store.listing(afterID: 0, library: nil, limit: 1)
        #expect(again.first?.rendering?.size == 1038)
        #expect(again.first?.summary == (try store.entitySummary(id: a)))
    }

    @Test func withoutASizerNothingIsRecorded() throws {
        let f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        try f.addEntity(library: library, filepath: "/s/a.png", created: "2026-01-10 08:00:00.000000")
        let index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path)
        let store = try f.openStore(index: index)
        try index.synchronize(from: store)
        let listed = try store.listing(afterID: 0, library: nil, limit: 10)
        #expect(listed.count == 1 && listed[0].rendering == nil)
    }
}
