import TestSupport
import Foundation
import Store
import StatusFiles
import Testing
import Tree

private let base: Int64 = 1_768_469_400  // 2026-01-15T09:30:00Z
private let ids: [Int64] = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584]

private func makeEntity(_ id: Int64) -> Entity {
    let library: Int64 = id % 2 == 0 ? 2 : 1
    let app: String? = id % 3 == 0 ? nil : (id % 3 == 1 ? "Firefox" : "Google Chrome")
    let words = id % 5 == 0 ? "budget review for q\(id)" : "meeting notes \(id)"
    return Entity(summary: EntitySummary(id: id, libraryID: library, filename: "shot-\(id).webp",
                                         createdAt: base + id * 60, app: app, version: "v1"),
                  filepath: "/screens/shot-\(id).webp", size: 1000 + id, fileType: "webp", fileTypeGroup: "image",
                  lastModifiedAt: base + id * 60, lastScanAt: base + id * 60, tags: id % 4 == 0 ? ["work"] : [],
                  metadata: [MetadataEntry(key: "ocr_result", value: #"[{"rec_txt": "\#(words)", "score": 1}]"#,
                                           source: "ocr", dataType: "json")])
}

private let libraries = [Library(id: 1, name: "screenshots", kind: "record"), Library(id: 2, name: "work/notes", kind: "static")]

/// The errno of the FSError that `body` throws (-1 for any other error), or nil if it succeeds.
private func errnoOf<T>(_ body: () throws -> T) -> Int32? {
    do { _ = try body(); return nil } catch let error as FSError { return error.errno } catch { return -1 }
}

private func readAll(_ fs: RecallFileSystem, _ inode: UInt64, chunk: Int = 1 << 20) throws -> [UInt8] {
    let file = try fs.open(inode, writing: false)
    defer { fs.release(handle: file.handle) }
    var bytes: [UInt8] = []
    while true {
        let part = try fs.read(handle: file.handle, offset: Int64(bytes.count), size: chunk)
        if part.isEmpty { return bytes }
        bytes += part
    }
}

/// Every entry of a directory, page by page: each page asks for `count` entries and keeps only the
/// first `keep(page)` of them (as a reply buffer that fills up would), resuming from the last kept cookie.
private func listAll(_ fs: RecallFileSystem, _ inode: UInt64, count: Int, plus: Bool,
                     keep: (Int) -> Int = { $0 }) throws -> [DirectoryEntry] {
    let handle = try fs.openDirectory(inode)
    defer { fs.releaseDirectory(handle: handle) }
    var all: [DirectoryEntry] = []
    var cookie: Int64 = 0
    while true {
        let page = try fs.readDirectory(inode, handle: handle, after: cookie, count: count, plus: plus)
        if page.isEmpty { return all }
        let kept = page.prefix(max(1, min(page.count, keep(page.count))))
        all += kept
        cookie = kept.last!.cookie
        if all.count > 10_000 { Issue.record("listing does not end"); return all }
    }
}

final class TempDir {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("recallfs-tree-\(UUID().uuidString)")
    init() { try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

@Suite struct RecallFileSystemTests {
    let mock = MockDocumentStore(libraries: libraries, entities: ids.map(makeEntity))
    let fs: RecallFileSystem
    init() {
        fs = RecallFileSystem(store: mock, board: StatusBoard(), savedQueries: nil)
        fs.attach(status: StatusFiles(tree: fs))
    }

    @Test func rootChildren() throws {
        let expected: [(String, Node)] = [("README", .readme), ("documents", .documents), ("libraries", .libraries),
                                          ("search", .search), ("timeline", .timeline), ("recent", .recent), ("apps", .apps),
                                          ("images", .images), ("around", .around), (".status", .statusDirectory)]
        for (name, node) in expected {
            let attributes = try fs.lookup(parent: Node.root.inode, name: name)
            #expect(attributes.inode == node.inode)
            #expect(attributes.isDirectory == node.isDirectory)
        }
        #expect(errnoOf { try fs.lookup(parent: Node.root.inode, name: "Documents") } == ENOENT)
        #expect(errnoOf { try fs.lookup(parent: Node.root.inode, name: "") } == ENOENT)
        let listed = try listAll(fs, Node.root.inode, count: 100, plus: true).map(\.name)
        #expect(listed == [".", ".."] + expected.map(\.0))
        #expect(try fs.attributes(Node.search.inode).permissions == 0o755)
        #expect(try fs.attributes(Node.documents.inode).permissions == 0o555)
    }

    @Test func readmeSizeMatchesContent() throws {
        let attributes = try fs.lookup(parent: Node.root.inode, name: "README")
        let bytes = try readAll(fs, attributes.inode)
        #expect(attributes.size == Int64(bytes.count))
        #expect(String(decoding: bytes, as: UTF8.self).contains("search/"))
    }

    @Test(arguments: ids)
    func documentByExactName(_ id: Int64) throws {
        let entity = makeEntity(id)
        let name = FileNaming.documentName(entity.summary)
        let attributes = try fs.lookup(parent: Node.documents.inode, name: name)
        #expect(attributes.inode == Node.document(id).inode)
        #expect(!attributes.isDirectory)
        #expect(attributes.permissions == 0o444)
        let bytes = try readAll(fs, attributes.inode)
        #expect(attributes.size == Int64(bytes.count))
        #expect(try fs.attributes(attributes.inode).size == Int64(bytes.count))
        #expect(bytes == DocumentRenderer.render(entity, library: libraries.first { $0.id == entity.summary.libraryID }))
        #expect(try readAll(fs, attributes.inode, chunk: 7) == bytes)
    }

    @Test func wrongNamesAreENOENT() throws {
        let name = FileNaming.documentName(makeEntity(5).summary)
        // An outdated slug still finds the document (Pensieve may add the app a moment after the entity).
        #expect(try fs.lookup(parent: Node.documents.inode, name: "5-outdated-slug.md").inode == Node.document(5).inode)
        for bad in [name.replacingOccurrences(of: ".md", with: ".txt"), "4" + name.dropFirst(),
                    "9999-" + name.dropFirst(2), "x" + name, name + " ", "README"] {
            #expect(errnoOf { try fs.lookup(parent: Node.documents.inode, name: bad) } == ENOENT, "\(bad)")
        }
        #expect(errnoOf { try fs.attributes(Node.document(4).inode) } == ENOENT)
        #expect(fs.board.errors.isEmpty)  // plain ENOENT is not an error worth recording
    }

    @Test(arguments: [1, 2, 3, 4, 5, 64], [false, true])
    func documentsPagingReturnsEveryEntityOnce(_ count: Int, _ plus: Bool) throws {
        let expected = [".", ".."] + ids.map { FileNaming.documentName(makeEntity($0).summary) }
        #expect(try listAll(fs, Node.documents.inode, count: count, plus: plus).map(\.name) == expected)
        // A reply buffer that takes fewer entries than offered resumes from the last one taken.
        var rng = LCG(seed: UInt64(count) * 31 + (plus ? 1 : 0))
        let partial = try listAll(fs, Node.documents.inode, count: count, plus: plus) { Int.random(in: 1...$0, using: &rng) }
        #expect(partial.map(\.name) == expected)
        if plus {
            for entry in partial.dropFirst(2) { #expect(entry.attributes.size > 0) }
        }
    }

    /// The documented contract is "at most `count` of them". Regression (fixed): the dots are added on top of a
    /// page of at least one document, so small counts get more entries than asked for.
    @Test func readDirectoryNeverReturnsMoreThanCount() throws {
        let handle = try fs.openDirectory(Node.documents.inode)
        let page = try fs.readDirectory(Node.documents.inode, handle: handle, after: 0, count: 1, plus: false)
        #expect(!page.isEmpty)
        #expect(page.count <= 1)
    }

    @Test func librariesListOnlyTheirDocuments() throws {
        let names = try listAll(fs, Node.libraries.inode, count: 10, plus: false).map(\.name)
        #expect(names == [".", "..", "screenshots", "work\u{2215}notes"])
        let work = try fs.lookup(parent: Node.libraries.inode, name: "work\u{2215}notes")
        #expect(work.inode == Node.library(2).inode && work.isDirectory)
        #expect(errnoOf { try fs.lookup(parent: Node.libraries.inode, name: "work") } == ENOENT)
        let listed = try listAll(fs, work.inode, count: 3, plus: true).map(\.name).dropFirst(2)
        #expect(Array(listed) == ids.filter { $0 % 2 == 0 }.map { FileNaming.documentName(makeEntity($0).summary) })
        let odd = FileNaming.documentName(makeEntity(5).summary)
        #expect(errnoOf { try fs.lookup(parent: work.inode, name: odd) } == ENOENT)
        #expect(try fs.lookup(parent: Node.library(1).inode, name: odd).inode == Node.document(5).inode)
    }

    @Test func writesAreRefused() throws {
        #expect(errnoOf { try fs.open(Node.readme.inode, writing: true) } == EROFS)
        #expect(errnoOf { try fs.open(Node.document(5).inode, writing: true) } == EROFS)
        #expect(errnoOf { try fs.open(Node.statusFile(.health).inode, writing: true) } == EROFS)
        #expect(errnoOf { try fs.open(Node.documents.inode, writing: false) } == EISDIR)
        for parent in [Node.root, .documents, .libraries, .statusDirectory, .library(1)] {
            #expect(errnoOf { try fs.makeDirectory(parent: parent.inode, name: "budget") } == EROFS)
            #expect(errnoOf { try fs.removeDirectory(parent: parent.inode, name: "budget") } == EROFS)
        }
        #expect(fs.board.errors.contains { $0.operation == "mkdir" && $0.errno == EROFS && !$0.reason.isEmpty })
        #expect(errnoOf { try fs.checkAccess(Node.documents.inode, write: true) } == EROFS)
        #expect(errnoOf { try fs.checkAccess(Node.search.inode, write: true) } == nil)
        #expect(errnoOf { try fs.checkAccess(Node.document(5).inode, write: false) } == nil)
    }

    @Test func readEdgeCases() throws {
        let file = try fs.open(Node.document(5).inode, writing: false)
        let size = try fs.attributes(Node.document(5).inode).size
        #expect(try fs.read(handle: file.handle, offset: size, size: 10).isEmpty)
        #expect(try fs.read(handle: file.handle, offset: size - 1, size: 10).count == 1)
        #expect(errnoOf { try fs.read(handle: file.handle, offset: -1, size: 10) } == EINVAL)
        #expect(errnoOf { try fs.read(handle: 999_999, offset: 0, size: 10) } == EBADF)
        fs.release(handle: file.handle)
        #expect(errnoOf { try fs.read(handle: file.handle, offset: 0, size: 10) } == EBADF)
        // An unchanged document keeps its page cache at the next open.
        let again = try fs.open(Node.document(5).inode, writing: false)
        #expect(again.keepCache && !again.directIO)
    }

    @Test(arguments: ["unknown:x", "budget ", "\"unclosed", "limit:0", "date:2026-02-30", "!!!"])
    func badQueryIsEINVALAndRecorded(_ name: String) throws {
        #expect(errnoOf { try fs.lookup(parent: Node.search.inode, name: name) } == EINVAL)
        let record = try #require(fs.board.errors.last)
        #expect(record.errno == EINVAL && record.operation == "lookup")
        #expect(record.reason.contains("bad query"))
        #expect(record.path == "search/\(name)")
        let errors = String(decoding: fs.statusContent(.errors), as: UTF8.self)
        #expect(errors.contains("EINVAL") && errors.contains(record.reason))
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: false).map(\.name) == [".", ".."])
    }

    @Test func dotNamesInSearchAreNotQueries() {
        #expect(errnoOf { try fs.lookup(parent: Node.search.inode, name: ".Trash") } == ENOENT)
        #expect(fs.board.errors.isEmpty)
        #expect(errnoOf { try fs.makeDirectory(parent: Node.search.inode, name: ".hidden") } == EINVAL)
    }

    @Test func validQueryIsADirectoryOfResults() throws {
        let query = try fs.lookup(parent: Node.search.inode, name: "budget")
        #expect(query.isDirectory)
        guard case .query? = Node(inode: query.inode) else { Issue.record("not a query inode"); return }
        #expect(try fs.lookup(parent: Node.search.inode, name: "budget").inode == query.inode)  // stable
        // A lookup alone saves nothing; listing the directory does.
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: true).map(\.name) == [".", ".."])
        let results = try listAll(fs, query.inode, count: 2, plus: true)
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: true).map(\.name) == [".", "..", "budget"])
        let hits = ids.filter { $0 % 5 == 0 }.sorted(by: >)  // newest first
        #expect(results.dropFirst(2).map(\.name) ==
            hits.enumerated().map { FileNaming.resultName(rank: $0.offset + 1, limit: 50, makeEntity($0.element).summary) })
        for entry in results.dropFirst(2) {
            let attributes = try fs.lookup(parent: query.inode, name: entry.name)
            #expect(attributes.inode == Node.document(FileNaming.resultID(entry.name)!).inode)
            #expect(attributes.size == Int64(try readAll(fs, attributes.inode).count))
        }
        // A result name whose rank moved still opens by its id while the document exists.
        #expect(try fs.lookup(parent: query.inode, name: "007-\(hits[0])-old-slug.md").inode == Node.document(hits[0]).inode)
        #expect(errnoOf { try fs.lookup(parent: query.inode, name: "001-99999-nope.md") } == ENOENT)
        #expect(errnoOf { try fs.lookup(parent: query.inode, name: "001-nope.md") } == ENOENT)
        let made = try fs.makeDirectory(parent: Node.search.inode, name: "app:Firefox limit:3")
        #expect(try listAll(fs, made.inode, count: 10, plus: false).count == 2 + 3)
    }

    @Test func removeDirectoryForgetsSavedQuery() throws {
        let temp = TempDir()
        let saved = try SavedQueries(path: temp.path("index.sqlite"))
        let fs = RecallFileSystem(store: mock, board: StatusBoard(), savedQueries: saved)
        _ = try fs.makeDirectory(parent: Node.search.inode, name: "budget")
        let looked = try fs.lookup(parent: Node.search.inode, name: "meeting app:Firefox")
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: false).map(\.name).dropFirst(2) == ["budget"])
        _ = try listAll(fs, looked.inode, count: 10, plus: false)
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: false).map(\.name).dropFirst(2).sorted()
            == ["budget", "meeting app:Firefox"])
        try fs.removeDirectory(parent: Node.search.inode, name: "budget")
        #expect(try listAll(fs, Node.search.inode, count: 10, plus: false).map(\.name) == [".", "..", "meeting app:Firefox"])
        #expect(errnoOf { try fs.removeDirectory(parent: Node.search.inode, name: "budget") } == nil)  // nothing left to forget
        #expect(errnoOf { try fs.removeDirectory(parent: Node.search.inode, name: "limit:0") } == EINVAL)
        // Saved names survive a remount.
        let remounted = RecallFileSystem(store: mock, board: StatusBoard(),
                                         savedQueries: try SavedQueries(path: temp.path("index.sqlite")))
        #expect(try listAll(remounted, Node.search.inode, count: 10, plus: false).map(\.name)
            == [".", "..", "meeting app:Firefox"])
        withExtendedLifetime(temp) {}
    }

    /// Regression (fixed): without SavedQueries, `forget` answers `saved?.remove(name) ?? false`, so rmdir is ENOENT
    /// and the name stays listed (the in-memory listing comes from the slot table, never pruned).
    @Test func removeDirectoryWithoutSavedQueries() throws {
        _ = try listAll(fs, try fs.lookup(parent: Node.search.inode, name: "budget").inode, count: 10, plus: false)
        let removed = errnoOf { try fs.removeDirectory(parent: Node.search.inode, name: "budget") }
        let listing = try listAll(fs, Node.search.inode, count: 10, plus: false).map(\.name)
        #expect(removed == nil)
        #expect(listing == [".", ".."])
    }

    @Test func statusFiles() throws {
        #expect(try listAll(fs, Node.statusDirectory.inode, count: 10, plus: true).map(\.name)
            == [".", "..", "health", "health.json", "backend", "errors", "metrics", "metrics.prom", "cache", "cache.json", "memory", "memory.json", "events"])
        for file in StatusFile.allCases {
            let attributes = try fs.lookup(parent: Node.statusDirectory.inode, name: file.rawValue)
            #expect(attributes.inode == Node.statusFile(file).inode)
            #expect(try fs.open(attributes.inode, writing: false).directIO)
            #expect(attributes.size == Int64(try readAll(fs, attributes.inode).count), "\(file)")  // stat then cat agree
            // As long as a snapshot lives: a reader's reads see one snapshot (see attributeTimeout(for:)).
            #expect(fs.attributeTimeout(for: attributes.inode) == 0.5)
        }
        #expect(fs.attributeTimeout(for: Node.document(5).inode) == fs.options.attributeTimeout)
        let health = String(decoding: try readAll(fs, Node.statusFile(.health).inode), as: UTF8.self)
        #expect(["ok\n", "degraded\n", "down\n"].contains(health))
        #expect(health == "ok\n")
        #expect(String(decoding: try readAll(fs, Node.statusFile(.backend).inode), as: UTF8.self) == "mock\n")
        #expect(try readAll(fs, Node.statusFile(.errors).inode).isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try readAll(fs, Node.statusFile(.healthJSON).inode)))
                                as? [String: Any])
        #expect(json["status"] as? String == "ok")
        let store = try #require(json["store"] as? [String: Any])
        #expect(json["backend"] as? String == "mock")
        #expect(store["entities"] as? Int == ids.count)
        #expect(store["libraries"] as? Int == 2)
        #expect(errnoOf { try fs.lookup(parent: Node.statusDirectory.inode, name: "nope") } == ENOENT)
    }

    @Test func storeFailureIsEIOAndHealthDown() throws {
        let name = FileNaming.documentName(makeEntity(8).summary)
        mock.fail(with: .unavailable("database vanished"))
        let error = #expect(throws: FSError.self) { try fs.lookup(parent: Node.documents.inode, name: name) }
        #expect(error?.errno == EIO)
        #expect(error?.reason == "database vanished")
        #expect(fs.board.errors.last?.errno == EIO)
        #expect(StatusFiles(tree: fs).health == "down")
        #expect(fs.statusContent(.health) == Array("down\n".utf8))
        #expect(errnoOf { try fs.lookup(parent: Node.search.inode, name: "budget") } == EIO)
        let json = try JSONSerialization.jsonObject(with: Data(fs.statusContent(.healthJSON))) as? [String: Any]
        #expect(json?["status"] as? String == "down")
        #expect((json?["store"] as? [String: Any])?["reachable"] as? Bool == false)
        mock.fail(with: nil)
        _ = try fs.lookup(parent: Node.documents.inode, name: name)
        #expect(StatusFiles(tree: fs).health == "ok")  // a success after the failure: ok again at once
    }

    @Test(arguments: [(StoreError.invalid("no"), EINVAL), (.busy("locked"), EAGAIN), (.failed("boom"), EIO)])
    func storeErrorsMapToErrnos(_ failure: StoreError, _ expected: Int32) {
        mock.fail(with: failure)
        #expect(errnoOf { try fs.lookup(parent: Node.documents.inode, name: "5-x.md") } == expected)
        #expect(fs.board.errors.last?.errno == expected)
    }
}
