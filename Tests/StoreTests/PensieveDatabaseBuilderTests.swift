import Foundation
import Store
import TestSupport
import Testing

private let old = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

/// A folder of notes: five text files, and files that must be skipped.
private func makeNotes(_ temp: TempDirectory) throws -> String {
    try temp.write("docs/a.md", "# Alpha\nbudget review", modified: old)
    try temp.write("docs/b.txt", "bravo text", modified: old)
    try temp.write("docs/sub/c.markdown", "charlie", modified: old)
    try temp.write("docs/NOTES.LOG", "log line", modified: old)
    try temp.write("docs/2026-01-20-invoice.md", "invoice march", modified: old)
    try temp.write("docs/.hidden.md", "hidden file")
    try temp.write("docs/.secret/d.md", "in a hidden folder")
    try temp.write("docs/image.png", "\u{89}PNG not text")
    try temp.write("docs/noext", "no extension")
    try temp.write("docs/sub/data.json", "{}")
    return temp.path("docs")
}

private func counts(_ r: PensieveDatabaseBuilder.Report) -> [Int] { [r.added, r.updated, r.removed, r.unchanged] }

@Suite struct PensieveDatabaseBuilderTests {
    @Test func indexesTextFilesAndSkipsTheRest() throws {
        let temp = try TempDirectory()
        let docs = try makeNotes(temp)
        let path = temp.path("pensieve.db")
        #expect(counts(try PensieveDatabaseBuilder(databasePath: path).index(directory: docs, libraryName: "docs"))
            == [5, 0, 0, 0])
        let store = try PensieveSQLiteStore(path: path, index: nil)
        #expect(try store.libraries() == [Library(id: 1, name: "docs", kind: "static")])
        let summaries = try store.entitySummaries(afterID: 0, library: nil, limit: 100)
        let entities = try store.entities(ids: summaries.map(\.id))
        let byName = Dictionary(uniqueKeysWithValues: entities.map { ($0.summary.filename, $0) })
        #expect(Set(byName.keys) == ["a.md", "b.txt", "c.markdown", "NOTES.LOG", "2026-01-20-invoice.md"])
        let root = URL(fileURLWithPath: docs).resolvingSymlinksInPath().path
        let a = try #require(byName["a.md"])
        #expect(a.filepath == root + "/a.md")
        #expect(a.fileType == "markdown" && a.fileTypeGroup == "text")
        #expect(a.size == Int64("# Alpha\nbudget review".utf8.count))
        #expect(a.metadata == [MetadataEntry(key: "text", value: "# Alpha\nbudget review", source: "recallfs", dataType: "text")])
        #expect(a.summary.createdAt == 1_700_000_000 && a.lastModifiedAt == 1_700_000_000)
        #expect(a.summary.app == nil)
        #expect(byName["c.markdown"]?.filepath == root + "/sub/c.markdown")
        #expect(byName["c.markdown"]?.fileType == "markdown")
        #expect(byName["NOTES.LOG"]?.fileType == "log")
        #expect(byName["b.txt"]?.fileType == "txt")
        // A YYYY-MM-DD prefix of the name is the capture date.
        #expect(byName["2026-01-20-invoice.md"]?.summary.createdAt == PensieveTime.parse("2026-01-20 00:00:00"))
        #expect(byName["2026-01-20-invoice.md"]?.lastModifiedAt == 1_700_000_000)
    }

    @Test func writesPensievesSchema() throws {
        let temp = try TempDirectory()
        let path = temp.path("pensieve.db")
        _ = try PensieveDatabaseBuilder(databasePath: path).index(directory: try makeNotes(temp), libraryName: "docs")
        let db = try SQLiteConnection(path: path, readOnly: true)
        var tables: Set<String> = []
        try db.query("SELECT name FROM sqlite_master WHERE type = 'table'") { tables.insert($0.text(0) ?? "") }
        #expect(tables.isSuperset(of: ["libraries", "folders", "entities", "metadata_entries", "tags", "entity_tags",
                                       "plugins", "library_plugins", "entity_plugin_status", "alembic_version"]))
        var version: String?
        try db.query("SELECT version_num FROM alembic_version") { version = $0.text(0) }
        #expect(version == "33a9131fe2ab")
        #expect(try db.scalarInt("SELECT count(*) FROM folders WHERE library_id = 1") == 1)
        var mode: String?
        try db.query("PRAGMA journal_mode") { mode = $0.text(0) }
        #expect(mode == "wal")
    }

    @Test func rerunsAreIncremental() throws {
        let temp = try TempDirectory()
        let docs = try makeNotes(temp)
        let path = temp.path("pensieve.db")
        let builder = PensieveDatabaseBuilder(databasePath: path)
        _ = try builder.index(directory: docs, libraryName: "docs")
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 0, 0, 5])

        let store = try PensieveSQLiteStore(path: path, index: nil)
        func entity(_ name: String) throws -> Entity? {
            let ids = try store.entitySummaries(afterID: 0, library: nil, limit: 100).filter { $0.filename == name }.map(\.id)
            return try store.entities(ids: ids).first
        }
        let before = try #require(try entity("a.md"))
        let newer = Date(timeIntervalSince1970: 1_750_000_000)
        try temp.write("docs/a.md", "# Alpha\nbudget review, revised", modified: newer)
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 1, 0, 4])
        let after = try #require(try entity("a.md"))
        #expect(after.id == before.id)
        #expect(after.value(for: "text") == "# Alpha\nbudget review, revised")
        #expect(after.lastModifiedAt == 1_750_000_000)
        #expect(after.size == Int64("# Alpha\nbudget review, revised".utf8.count))

        try FileManager.default.removeItem(atPath: temp.path("docs/b.txt"))
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 0, 1, 4])
        #expect(try entity("b.txt") == nil)
        #expect(try store.entityCount(library: nil) == 4)
        let db = try SQLiteConnection(path: path, readOnly: true)
        #expect(try db.scalarInt("SELECT count(*) FROM metadata_entries WHERE entity_id NOT IN (SELECT id FROM entities)") == 0)

        try temp.write("docs/sub/new.txt", "fresh")
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [1, 0, 0, 4])
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 0, 0, 5])
    }

    /// Regression (fixed): an entity's version (PensieveSQLiteStore.summaryColumns) is built from `updated_at`,
    /// `max(metadata updated_at)` and row counts, all with one-second resolution. A re-index that
    /// rewrites a file's text within the same second as the previous write leaves the version as it
    /// was, so SearchIndex.synchronize never picks up the new text.
    @Test func sameSecondRewriteReachesTheSearchIndex() throws {
        let temp = try TempDirectory()
        let docs = try makeNotes(temp)
        let path = temp.path("pensieve.db")
        let builder = PensieveDatabaseBuilder(databasePath: path)
        // Start just after a second boundary, so both runs share one CURRENT_TIMESTAMP second.
        let now = Date().timeIntervalSince1970
        usleep(useconds_t((1 - (now - now.rounded(.down))) * 1_000_000) + 10_000)
        _ = try builder.index(directory: docs, libraryName: "docs")
        let index = try SearchIndex(path: temp.path("index.sqlite"), source: path)
        let store = try PensieveSQLiteStore(path: path, index: index)
        try index.synchronize(from: store)
        try temp.write("docs/a.md", "# Alpha\nzanzibar", modified: Date(timeIntervalSince1970: 1_750_000_000))
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 1, 0, 4])
        let sync = try index.synchronize(from: store)
        let found = try index.search(words("zanzibar"), libraryIDs: []).count
        #expect(sync.updated == 1)
        #expect(found == 1)
    }

    @Test func touchingOnlyTheModificationTimeIsAnUpdate() throws {
        let temp = try TempDirectory()
        let docs = try makeNotes(temp)
        let builder = PensieveDatabaseBuilder(databasePath: temp.path("pensieve.db"))
        _ = try builder.index(directory: docs, libraryName: "docs")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_760_000_000)],
                                              ofItemAtPath: temp.path("docs/b.txt"))
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 1, 0, 4])
    }

    @Test func librariesAreIndependent() throws {
        let temp = try TempDirectory()
        let docs = try makeNotes(temp)
        try temp.write("other/x.md", "x")
        let path = temp.path("pensieve.db")
        let builder = PensieveDatabaseBuilder(databasePath: path)
        _ = try builder.index(directory: docs, libraryName: "docs")
        #expect(counts(try builder.index(directory: temp.path("other"), libraryName: "other")) == [1, 0, 0, 0])
        #expect(counts(try builder.index(directory: docs, libraryName: "docs")) == [0, 0, 0, 5])
        let store = try PensieveSQLiteStore(path: path, index: nil)
        #expect(try store.libraries().map(\.name) == ["docs", "other"])
        #expect(try store.entityCount(library: 1) == 5)
        #expect(try store.entityCount(library: 2) == 1)
    }

    @Test func notADirectoryIsInvalid() throws {
        let temp = try TempDirectory()
        let file = try temp.write("file.md", "x")
        let builder = PensieveDatabaseBuilder(databasePath: temp.path("pensieve.db"))
        for directory in [file, temp.path("missing")] {
            let error = #expect(throws: StoreError.self) { try builder.index(directory: directory, libraryName: "x") }
            #expect(invalidReason(error)?.contains("not a directory") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: temp.path("pensieve.db")))
    }

    @Test func emptyFolderMakesAnEmptyLibrary() throws {
        let temp = try TempDirectory()
        try FileManager.default.createDirectory(atPath: temp.path("empty"), withIntermediateDirectories: true)
        let path = temp.path("pensieve.db")
        #expect(counts(try PensieveDatabaseBuilder(databasePath: path).index(directory: temp.path("empty"), libraryName: "e"))
            == [0, 0, 0, 0])
        let store = try PensieveSQLiteStore(path: path, index: nil)
        #expect(try store.libraries().map(\.name) == ["e"])
        #expect(try store.entityCount(library: nil) == 0)
    }
}
