import Foundation
import Store
import Testing
import TestSupport

/// The indexed answers for the tree's views (`apps/`, `timeline/`, `images/`, `around/`) agree with the
/// same questions answered by scanning summaries, before the index is built (Pensieve's tables),
/// after, and for captures made since the last sync.
@Suite struct ViewQueriesTests {
    struct Rig {
        let fixture: PensieveFixture
        let store: PensieveSQLiteStore
        let index: SearchIndex
        let work: Int64, home: Int64
    }

    static func rig() throws -> Rig {
        let f = try PensieveFixture()
        let work = try f.addLibrary("work"), home = try f.addLibrary("home", kind: "static")
        let days = ["2025-12-31 23:59:59", "2026-01-01 00:00:00", "2026-01-01 12:00:00", "2026-01-15 09:30:00", "2026-02-01 08:00:00"]
        for (n, day) in days.enumerated() {
            _ = try f.addEntity(library: n % 2 == 0 ? work : home, filepath: "/s/\(n).png", created: day + ".000000",
                                group: n == 3 ? "text" : "image", app: [nil, "Firefox", "Slack", "Firefox", "A/B"][n])
        }
        let index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path, sizer: { _, _ in 10 })
        return Rig(fixture: f, store: try f.openStore(index: index), index: index, work: work, home: home)
    }

    /// The same questions through the protocol's scanning defaults.
    struct Scanner: DocumentStore {
        let base: DocumentStore
        var backendName: String { "scan" }
        func libraries() throws -> [Library] { try base.libraries() }
        func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
            try base.entitySummaries(afterID: afterID, library: library, limit: limit)
        }
        func entitySummary(id: Int64) throws -> EntitySummary? { try base.entitySummary(id: id) }
        func entities(ids: [Int64]) throws -> [Entity] { try base.entities(ids: ids) }
        func entityCount(library: Int64?) throws -> Int { try base.entityCount(library: library) }
        func search(_ request: SearchRequest) throws -> [SearchHit] { [] }
    }

    static func filters(_ r: Rig) -> [DocumentFilter] {
        let jan1 = Int64(1_767_225_600)  // 2026-01-01T00:00:00Z
        return [DocumentFilter(), DocumentFilter(library: r.work), DocumentFilter(app: AppMatch(values: ["Firefox"])),
                DocumentFilter(app: AppMatch(values: [], orNone: true)), DocumentFilter(app: AppMatch(values: ["Slack"], orNone: true)),
                DocumentFilter(createdFrom: jan1, createdBefore: jan1 + 86_400), DocumentFilter(imagesOnly: true),
                DocumentFilter(library: r.home, createdFrom: jan1)]
    }

    static func check(_ r: Rig) throws {
        let scan = Scanner(base: r.store)
        for filter in filters(r) {
            #expect(try r.store.listing(afterID: 0, filter: filter, limit: 100).map(\.summary.id)
                    == (try scan.listing(afterID: 0, filter: filter, limit: 100).map(\.summary.id)), "\(filter)")
            #expect(try r.store.earliestCapture(filter: filter) == (try scan.earliestCapture(filter: filter)), "\(filter)")
        }
        #expect(Set(try r.store.appNames(library: nil)) == Set(try scan.appNames(library: nil)))
        #expect(Set(try r.store.appNames(library: r.home)) == Set(try scan.appNames(library: r.home)))
        for id in try r.store.entitySummaries(afterID: 0, library: nil, limit: 100).map(\.id) {
            #expect(try r.store.neighbours(of: id, count: 2) == (try scan.neighbours(of: id, count: 2)), "neighbours of \(id)")
        }
    }

    @Test func tablesAndIndexAgreeWithAScan() throws {
        let r = try Self.rig()
        try Self.check(r)  // Pensieve's tables: no index yet
        try r.index.synchronize(from: r.store)
        try Self.check(r)  // the index
        _ = try r.fixture.addEntity(library: r.work, filepath: "/s/new.png", created: "2024-06-01 10:00:00.000000", app: "Zed")
        try Self.check(r)  // the index, and a capture it has not seen yet
    }

    @Test func neighboursStayInTheirLibraryInCaptureOrder() throws {
        let r = try Self.rig()
        try r.index.synchronize(from: r.store)
        let work = try r.store.entitySummaries(afterID: 0, library: r.work, limit: 10).sorted { $0.createdAt < $1.createdAt }.map(\.id)
        let found = try #require(try r.store.neighbours(of: work[1], count: 5))
        #expect(found.before == [work[0]])
        #expect(found.after == Array(work[2...]))
        #expect(try r.store.neighbours(of: 999, count: 5) == nil)
    }

    @Test func scopedStoreHidesOtherLibraries() throws {
        let r = try Self.rig()
        try r.index.synchronize(from: r.store)
        let scoped = ScopedStore(r.store, libraries: ["work"])
        #expect(try scoped.libraries().map(\.name) == ["work"])
        let homeIDs = try r.store.entitySummaries(afterID: 0, library: r.home, limit: 10).map(\.id)
        for id in homeIDs {
            #expect(try scoped.entitySummary(id: id) == nil)
            #expect(try scoped.entities(ids: [id]).isEmpty)
            #expect(try scoped.neighbours(of: id, count: 3) == nil)
        }
        #expect(try scoped.listing(afterID: 0, filter: DocumentFilter(), limit: 100).allSatisfy { $0.summary.libraryID == r.work })
        #expect(try scoped.entityCount(library: nil) == (try r.store.entityCount(library: r.work)))
        var request = SearchRequest()
        request.limit = 100
        #expect(try scoped.search(request).allSatisfy { !homeIDs.contains($0.id) })
        request.libraries = ["home"]
        #expect(throws: StoreError.self) { try scoped.search(request) }
        #expect(try scoped.appNames(library: nil).contains(nil))  // the work capture without an app
        #expect(try scoped.appNames(library: nil).contains("A/B"))
        #expect(try !scoped.appNames(library: nil).contains("Firefox"))  // only in home
    }
}
