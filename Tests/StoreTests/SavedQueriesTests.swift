import Foundation
import Store
import Testing
import TestSupport

@Suite struct SavedQueriesTests {
    @Test func addContainsRemovePersist() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        do {
            let saved = try SavedQueries(path: path)
            #expect(saved.all.isEmpty)
            try saved.touch("budget")
            try saved.touch("app:\"Google Chrome\" invoice")
            try saved.touch("budget")  // no-op
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
            for name in names { try saved.touch(name) }
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
        try saved.touch("q")
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
            for name in order { try saved.touch(name) }
            #expect(saved.all == order)
        }
        let reopened = try SavedQueries(path: path).all
        #expect(reopened == order)
    }

    /// At most `capacity` names are kept; the least recently used one goes, on disk too.
    @Test func capacityDropsTheLeastRecentlyUsed() throws {
        let temp = try TempDirectory()
        let path = temp.path("index.sqlite")
        do {
            let saved = try SavedQueries(path: path, capacity: 3)
            for name in ["a", "b", "c", "d"] { try saved.touch(name) }
            #expect(saved.all == ["b", "c", "d"])
            #expect(!saved.contains("a"))
        }
        #expect(try SavedQueries(path: path, capacity: 3).all == ["b", "c", "d"])
        // A smaller capacity at the next mount trims at once.
        #expect(try SavedQueries(path: path, capacity: 1).all.count == 1)
    }

    /// A million distinct touches keep state bounded (the duplicate check is a dictionary, not a scan).
    @Test func manyNamesStayBounded() throws {
        let temp = try TempDirectory()
        let saved = try SavedQueries(path: temp.path("index.sqlite"), capacity: 50)
        for i in 0..<2_000 { try saved.touch("q\(i)") }
        #expect(saved.all.count == 50)
        #expect(saved.contains("q1999") && !saved.contains("q0"))
    }
}
