import Foundation
import Store
import Testing

@Suite struct SavedQueriesTests {
    @Test func addContainsRemovePersist() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        do {
            let saved = try SavedQueries(path: path)
            #expect(saved.all.isEmpty)
            try saved.add("budget")
            try saved.add("app:\"Google Chrome\" invoice")
            try saved.add("budget")  // no-op
            #expect(saved.all == ["budget", "app:\"Google Chrome\" invoice"])
            #expect(saved.contains("budget") && !saved.contains("Budget"))
        }
        do {
            let saved = try SavedQueries(path: path)
            #expect(Set(saved.all) == ["budget", "app:\"Google Chrome\" invoice"])
            #expect(saved.contains("app:\"Google Chrome\" invoice"))
            #expect(try saved.remove("budget"))
            #expect(try !saved.remove("budget"))
            #expect(try !saved.remove("never saved"))
            #expect(!saved.contains("budget"))
        }
        let reopened = try SavedQueries(path: path)
        #expect(reopened.all == ["app:\"Google Chrome\" invoice"])
    }

    @Test func namesAreStoredVerbatim() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        let names = ["café ☕️", "日本語 date:2026", "'; DROP TABLE saved_queries; --", "a\"b\"", "x y  z",
                     String(repeating: "é", count: 127)]
        do {
            let saved = try SavedQueries(path: path)
            for name in names { try saved.add(name) }
        }
        let saved = try SavedQueries(path: path)
        #expect(Set(saved.all) == Set(names))
        for name in names { #expect(saved.contains(name)) }
    }

    @Test func sharesTheIndexDatabase() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        let index = try SearchIndex(path: path, source: "x")
        let saved = try SavedQueries(path: path)
        try saved.add("q")
        try index.synchronize(from: MockDocumentStore(entities: [mockEntity(1)]))
        #expect(try SavedQueries(path: path).all == ["q"])
        // A rebuild of the index for another source keeps the saved queries.
        _ = try SearchIndex(path: path, source: "y")
        #expect(try SavedQueries(path: path).all == ["q"])
        _ = index
    }

    @Test func unopenablePathThrows() throws {
        let temp = try TempDirectory()
        #expect(throws: StoreError.self) { try SavedQueries(path: temp.path("no/such/dir/index.sqlite")) }
    }

    /// `ls search/` lists saved names in the order they were first used. Regression (fixed): the table is read back
    /// `ORDER BY created_at, name` with whole-second timestamps, so names saved within one second come
    /// back alphabetically after a remount (intermittent: only when both adds share a second).
    @Test func orderSurvivesReopen() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        let order = ["zeta", "mu", "alpha"]
        do {
            let saved = try SavedQueries(path: path)
            for name in order { try saved.add(name) }
            #expect(saved.all == order)
        }
        let reopened = try SavedQueries(path: path).all
        #expect(reopened == order)
    }
}
