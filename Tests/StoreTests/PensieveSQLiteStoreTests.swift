import Foundation
import Store
import TestSupport
import Testing

@Suite struct PensieveSQLiteStoreTests {
    @Test func missingFileIsUnavailable() throws {
        let temp = try TempDirectory()
        let path = temp.path("nope/database.db")
        let error = #expect(throws: StoreError.self) { try PensieveSQLiteStore(path: path, index: nil) }
        #expect(unavailableReason(error)?.contains("not found") == true)
        #expect(!FileManager.default.fileExists(atPath: path))  // opening never creates it
    }

    /// Connections open a `file:` URI (for `mode=ro`): characters that mean something in a URI, and
    /// non-ASCII, must reach the file system as they are.
    @Test(arguments: ["a b.db", "q?mode=rw.db", "h#frag.db", "p%20c.db", "ü;x=y.db"])
    func pathsWithURICharactersOpen(_ name: String) throws {
        let temp = try TempDirectory()
        let path = temp.path(name)
        let writer = try SQLiteConnection(path: path, readOnly: false, create: true)
        try writer.execute("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (42);")
        let reader = try SQLiteConnection(path: path, readOnly: true)
        #expect(try reader.scalarInt("SELECT v FROM t") == 42)
        #expect(throws: (any Error).self) { try reader.execute("INSERT INTO t VALUES (1)") }  // mode=ro held
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.url.path).contains(name), "the file has its own name, not a decoded or truncated one")
    }

    @Test func otherSQLiteDatabaseIsNotPensieve() throws {
        let temp = try TempDirectory()
        let path = temp.path("other.db")
        let db = try SQLiteConnection(path: path, readOnly: false, create: true)
        try db.execute("CREATE TABLE libraries(id INTEGER); CREATE TABLE notes(body TEXT);")
        let error = #expect(throws: StoreError.self) { try PensieveSQLiteStore(path: path, index: nil) }
        let reason = try #require(unavailableReason(error))
        #expect(reason.contains("not a Pensieve database"))
        #expect(reason.contains("entities") && reason.contains("metadata_entries") && !reason.contains("libraries,"))
    }

    @Test(arguments: ["", "hello, not a database at all\n", String(repeating: "x", count: 8192)])
    func nonDatabaseFileIsUnavailable(_ content: String) throws {
        let temp = try TempDirectory()
        let path = try temp.write("garbage.db", content)
        let error = #expect(throws: StoreError.self) { try PensieveSQLiteStore(path: path, index: nil) }
        #expect(unavailableReason(error) != nil, "\(String(describing: error))")
    }

    @Test func libraries() throws {
        let f = try PensieveFixture()
        let shots = try f.addLibrary("screenshots", kind: "record")
        let store = try f.openStore()
        #expect(store.backendName == "sqlite")
        #expect(try store.libraries() == [Library(id: 1, name: "notes", kind: "static"),
                                          Library(id: shots, name: "screenshots", kind: "record")])
    }

    @Test func summariesPageByIDWithAndWithoutLibrary() throws {
        let f = try PensieveFixture()
        let a = try f.addLibrary("a"), b = try f.addLibrary("b")
        var inA: [Int64] = [], inB: [Int64] = []
        for i in 0..<23 {
            let id = try f.addEntity(library: i % 3 == 0 ? b : a, filepath: "/x/\(i).png",
                                     created: "2026-01-15 09:\(String(format: "%02d", i)):00.000000", app: "App\(i)")
            if i % 3 == 0 { inB.append(id) } else { inA.append(id) }
        }
        let store = try f.openStore()
        func pages(library: Int64?, size: Int) throws -> [Int64] {
            var all: [Int64] = [], after: Int64 = 0
            while true {
                let page = try store.entitySummaries(afterID: after, library: library, limit: size)
                #expect(page.count <= size)
                #expect(page.map(\.id) == page.map(\.id).sorted())
                guard let last = page.last else { return all }
                all += page.map(\.id)
                after = last.id
            }
        }
        for size in [1, 2, 5, 100] {
            #expect(try pages(library: nil, size: size) == (inA + inB).sorted())
            #expect(try pages(library: a, size: size) == inA)
            #expect(try pages(library: b, size: size) == inB)
        }
        #expect(try store.entitySummaries(afterID: inB.last!, library: b, limit: 10).isEmpty)
        #expect(try store.entityCount(library: nil) == 23)
        #expect(try store.entityCount(library: a) == inA.count)
        #expect(try store.entityCount(library: 999) == 0)
        let first = try #require(try store.entitySummary(id: inB[1]))
        #expect(first.libraryID == b && first.filename == "3.png" && first.app == "App3")
        #expect(first.createdAt == PensieveTime.parse("2026-01-15 09:03:00")!)
        #expect(try store.entitySummary(id: 9_999) == nil)
    }

    @Test func entitiesKeepOrderAndSkipMissing() throws {
        let f = try PensieveFixture()
        let lib = try f.addLibrary("shots")
        let one = try f.addEntity(library: lib, filepath: "/s/one.webp", created: "2026-01-15 09:30:00.000000",
                                  fileType: "webp", size: 77, app: "Firefox",
                                  metadata: [Meta(key: "ocr_result", value: ocrJSON("hello"), type: "JSON_DATA"),
                                             Meta(key: "pages", value: "3", type: "NUMBER_DATA"),
                                             Meta(key: "note", value: "text here", type: "TEXT_DATA", source: nil),
                                             Meta(key: "odd", value: "x", type: "SOMETHING_ELSE")],
                                  tags: ["zeta", "alpha"], updated: "2026-02-01 10:00:00")
        let two = try f.addEntity(library: lib, filepath: "/s/two.png", created: "2026-01-16T10:00:00")
        let store = try f.openStore()
        let entities = try store.entities(ids: [two, 12_345, one, two])
        #expect(entities.map(\.id) == [two, one, two])
        #expect(try store.entities(ids: []).isEmpty)
        let e = entities[1]
        #expect(e.filepath == "/s/one.webp" && e.size == 77 && e.fileType == "webp" && e.fileTypeGroup == "image")
        #expect(e.summary.app == "Firefox" && e.summary.filename == "one.webp")
        #expect(e.summary.createdAt == 1_768_469_400 && e.lastModifiedAt == 1_768_469_400)
        #expect(e.lastScanAt > 1_700_000_000)  // last_scan_at defaults to the insert time
        #expect(e.tags == ["zeta", "alpha"])  // in the order they were attached
        #expect(e.metadata.map(\.key) == ["active_app", "ocr_result", "pages", "note", "odd"])
        #expect(e.metadata.map(\.dataType) == ["text", "json", "number", "text", "text"])
        #expect(e.metadata[3].source == nil && e.metadata[1].source == "test")
        #expect(e.value(for: "pages") == "3")
        #expect(try store.entity(id: two)?.summary.createdAt == PensieveTime.parse("2026-01-16T10:00:00"))
        #expect(try store.entity(id: two)?.metadata.isEmpty == true)
    }

    @Test func manyIDsAcrossChunks() throws {
        let f = try PensieveFixture()
        let lib = try f.addLibrary("many")
        var ids: [Int64] = []
        try f.db.transaction {
            for i in 0..<450 {
                ids.append(try f.addEntity(library: lib, filepath: "/m/\(i).png", created: "2026-01-01 00:00:00",
                                           metadata: [Meta(key: "n", value: "\(i)")]))
            }
        }
        let store = try f.openStore()
        let wanted: [Int64] = Array(ids.reversed()) + [99_999] + Array(ids.prefix(10))
        let loaded = try store.entities(ids: wanted)
        #expect(loaded.map(\.id) == wanted.filter { $0 != 99_999 })
        #expect(loaded.allSatisfy { $0.value(for: "n") == String(ids.firstIndex(of: $0.id)!) })
    }

    @Test func versionChangesWithMetadataAndTags() throws {
        let f = try PensieveFixture()
        let lib = try f.addLibrary("v")
        let id = try f.addEntity(library: lib, filepath: "/v/1.png", created: "2026-01-01 00:00:00",
                                 metadata: [Meta(key: "k", value: "one")])
        let store = try f.openStore()
        var seen: Set<String> = [try store.entitySummary(id: id)!.version]
        try f.setMetadata(id, key: "k", value: "two", updated: "2026-05-01 00:00:00")
        #expect(seen.insert(try store.entitySummary(id: id)!.version).inserted)
        try f.addMetadata(id, Meta(key: "k2", value: "x"), updated: "2026-05-01 00:00:00")
        #expect(seen.insert(try store.entitySummary(id: id)!.version).inserted)  // same max(updated_at), one more row
        try f.addTag(id, "t")
        #expect(seen.insert(try store.entitySummary(id: id)!.version).inserted)
        try f.db.query("UPDATE entities SET updated_at = '2026-06-01 00:00:00' WHERE id = ?", [.int(id)])
        #expect(seen.insert(try store.entitySummary(id: id)!.version).inserted)
        let unchanged = try store.entitySummary(id: id)!.version
        #expect(try store.entitySummary(id: id)!.version == unchanged)
        // Without metadata rows the version is still defined.
        let bare = try f.addEntity(library: lib, filepath: "/v/2.png", created: "2026-01-01 00:00:00")
        #expect(try store.entitySummary(id: bare)?.version.isEmpty == false)
    }

    @Test func searchNeedsAnIndex() throws {
        let f = try PensieveFixture()
        let store = try f.openStore()
        let error = #expect(throws: StoreError.self) { try store.search(SearchRequest()) }
        guard case .failed? = error else { Issue.record("expected .failed, got \(String(describing: error))"); return }
    }

    @Test func readsWhileAWriterHoldsTheDatabase() throws {
        let f = try PensieveFixture()
        let lib = try f.addLibrary("w")
        let id = try f.addEntity(library: lib, filepath: "/w/1.png", created: "2026-01-01 00:00:00")
        let store = try f.openStore()
        try f.db.execute("BEGIN IMMEDIATE")
        try f.db.query("UPDATE entities SET size = 5 WHERE id = ?", [.int(id)])
        #expect(try store.entity(id: id)?.size == 1234)  // WAL: readers see the last commit
        try f.db.execute("COMMIT")
        #expect(try store.entity(id: id)?.size == 5)
    }
}

/// The statement cache stays bounded however many SQL shapes are used (one per `IN (?,…)` length).
@Suite struct StatementCacheTests {
    @Test func boundedAcrossManyShapes() throws {
        let temp = try TempDirectory()
        let db = try SQLiteConnection(path: temp.path("x.sqlite"), readOnly: false, create: true)
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)")
        for n in 1...500 {
            let marks = Array(repeating: "?", count: n).joined(separator: ",")
            try db.query("SELECT id FROM t WHERE id IN (\(marks))", (1...n).map { .int(Int64($0)) })
        }
        #expect(db.cachedStatements <= 64)
        // A statement still works after its shape was evicted and prepared again.
        #expect(try db.scalarInt("SELECT 1 + ?", [.int(41)]) == 42)
    }
}
