import Foundation
import Glibc
import Store
import StatusFiles
import Testing
import TestSupport
import Tree

/// The views (`timeline/`, `recent/`, `apps/`, `images/`, `around/`) and the extended attributes, over
/// the mock store (so through the protocol's scanning defaults), in the process's zone (UTC in tests).
@Suite struct ViewsTests {
    static let base: Int64 = 1_767_225_000  // 2025-12-31T23:50:00Z
    static let libraries = [Library(id: 1, name: "screens", kind: "record"), Library(id: 2, name: "notes", kind: "static")]

    static func entity(_ id: Int64) -> Entity {
        let app: String? = [nil, "Firefox", "Slack", "A/B"][Int(id % 4)]
        return Entity(summary: EntitySummary(id: id, libraryID: id % 3 == 0 ? 2 : 1, filename: "shot-\(id).webp",
                                             createdAt: base + id * 3_600 * 7, app: app, version: "v1"),
                      filepath: "/nonexistent/shot-\(id).webp", size: 100 + id, fileType: id % 5 == 0 ? "txt" : "webp",
                      fileTypeGroup: id % 5 == 0 ? "text" : "image", lastModifiedAt: base, lastScanAt: base,
                      tags: id % 2 == 0 ? ["work", "q1"] : [],
                      metadata: [MetadataEntry(key: "active_window", value: "Window \(id)", source: "system", dataType: "text"),
                                 MetadataEntry(key: "ocr_result", value: #"[{"rec_txt": "budget \#(id)", "score": 1}]"#,
                                               source: "ocr", dataType: "json")])
    }

    let entities = (1...40).map { ViewsTests.entity(Int64($0)) }
    let fs: RecallFileSystem
    init() {
        fs = RecallFileSystem(store: MockDocumentStore(libraries: Self.libraries, entities: entities), board: StatusBoard(), savedQueries: nil)
        fs.attach(status: StatusFiles(tree: fs))
    }

    func names(_ inode: UInt64) throws -> [String] {
        let handle = try fs.openDirectory(inode)
        defer { fs.releaseDirectory(handle: handle) }
        var all: [DirectoryEntry] = []
        var cookie: Int64 = 0
        while true {
            let page = try fs.readDirectory(inode, handle: handle, after: cookie, count: 7, plus: true)
            guard let last = page.last else { break }
            all += page
            cookie = last.cookie
        }
        return all.map(\.name).filter { $0 != "." && $0 != ".." }
    }

    func path(_ components: String...) throws -> NodeAttributes {
        var inode = Node.root.inode
        var attributes = try fs.attributes(inode)
        for name in components {
            attributes = try fs.lookup(parent: inode, name: name)
            inode = attributes.inode
        }
        return attributes
    }

    func errnoOf<T>(_ body: () throws -> T) -> Int32? {
        do { _ = try body(); return nil } catch let error as FSError { return error.errno } catch { return -1 }
    }

    @Test func timelineListsEveryDayWithCapturesAndOnlyThose() throws {
        var days: [String: [Int64]] = [:]
        for e in entities {
            let c = MountTimeZone.civil(e.summary.createdAt)
            days[String(format: "%04d/%02d/%02d", c.year, c.month, c.day), default: []].append(e.id)
        }
        let years = Set(days.keys.map { String($0.prefix(4)) }).sorted()
        #expect(try names(path("timeline").inode) == years)
        var seen: [String: [Int64]] = [:]
        for year in years {
            for month in try names(path("timeline", year).inode) {
                for day in try names(path("timeline", year, month).inode) {
                    let listed = try names(path("timeline", year, month, day).inode)
                    seen["\(year)/\(month)/\(day)"] = listed.compactMap(FileNaming.resultID)
                    for name in listed {
                        #expect(try path("timeline", year, month, day, name).inode == Node.document(FileNaming.resultID(name)!).inode)
                    }
                }
            }
        }
        #expect(seen.mapValues { $0.sorted() } == days.mapValues { $0.sorted() })
        #expect(errnoOf { try path("timeline", "1999") } == ENOENT)
        #expect(errnoOf { try path("timeline", "2026", "13") } == ENOENT)
        // A document of another day is not in this one, whatever its name says.
        let day = try path("timeline", "2026", "01", "01")
        #expect(errnoOf { try fs.lookup(parent: day.inode, name: "000000-40-x.md") } == ENOENT)
    }

    @Test func appsGroupDocumentsByActiveApp() throws {
        #expect(try names(path("apps").inode) == ["(none)", "A∕B", "Firefox", "Slack"])
        let firefox = try names(path("apps", "Firefox").inode).compactMap(FileNaming.documentID)
        #expect(firefox == entities.filter { $0.summary.app == "Firefox" }.map(\.id))
        let none = try names(path("apps", "(none)").inode).compactMap(FileNaming.documentID)
        #expect(none == entities.filter { $0.summary.app == nil }.map(\.id))
        #expect(errnoOf { try fs.lookup(parent: path("apps", "Slack").inode, name: "1-x.md") } == ENOENT)
    }

    @Test func recentIsNewestFirstAndAroundIsInCaptureOrder() throws {
        let recent = try names(path("recent").inode)
        #expect(recent.compactMap(FileNaming.resultID) == entities.map(\.id).reversed())
        #expect(recent.first?.hasPrefix("001-40-") == true)
        let library1 = entities.filter { $0.summary.libraryID == 1 }.map(\.id)  // capture order = id order here
        let middle = library1[10]
        let around = try names(path("around", String(middle)).inode)
        #expect(around.map { String($0.prefix(3)) } == ["-05", "-04", "-03", "-02", "-01", "+00", "+01", "+02", "+03", "+04", "+05"])
        #expect(around.map { FileNaming.resultID(String($0.dropFirst()))! } == Array(library1[5...15]))
        #expect(errnoOf { try path("around", "999") } == ENOENT)
    }

    @Test func imagesListImageEntitiesOnly() throws {
        let listed = try names(path("images").inode)
        #expect(listed.compactMap(FileNaming.documentID) == entities.filter { $0.fileTypeGroup == "image" }.map(\.id))
        #expect(listed.allSatisfy { $0.hasSuffix(".webp") })
        #expect(errnoOf { try path("images", "5-x.txt") } == ENOENT)  // a text entity
        let image = try path("images", listed[0])
        #expect(image.size == 101)  // not readable here: Pensieve's recorded size
        #expect(errnoOf { try fs.read(inode: image.inode, offset: 0, size: 10) } == EIO)  // gone, and no API
    }

    @Test func documentsCarryTheirMetadataAsExtendedAttributes() throws {
        let doc = try path("documents", "2-x.md")
        let attributes = Dictionary(uniqueKeysWithValues: try fs.extendedAttributes(doc.inode).map { ($0.name, $0.value) })
        #expect(attributes["user.recallfs.id"] == "2")
        #expect(attributes["user.recallfs.library"] == "screens")
        #expect(attributes["user.recallfs.app"] == "Slack")
        #expect(attributes["user.recallfs.window"] == "Window 2")
        #expect(attributes["user.recallfs.tags"] == "work,q1")
        #expect(attributes["user.recallfs.source_path"] == "/nonexistent/shot-2.webp")
        #expect(attributes["user.recallfs.image"]?.hasPrefix("images/2-") == true)
        #expect(attributes["user.recallfs.captured_at"] == MountTimeZone.iso(Self.base + 2 * 3_600 * 7))
        #expect(attributes["user.recallfs.rank"] == nil)
        #expect(errnoOf { try fs.extendedAttribute(doc.inode, name: "user.recallfs.nope") } == ENODATA)
        #expect(errnoOf { try fs.extendedAttribute(doc.inode, name: "security.selinux") } == ENODATA)
        #expect(try fs.extendedAttribute(doc.inode, name: "user.recallfs.id") == Array("2".utf8))
        #expect(errnoOf { try fs.setExtendedAttribute(doc.inode, name: "user.recallfs.tags", value: Array("a".utf8)) } == EROFS)
        #expect(try fs.extendedAttributes(Node.documents.inode).isEmpty)
    }

    @Test func queryDirectoriesCarryTheirSearch() throws {
        let query = try path("search", "budget  limit:3")
        let attributes = Dictionary(uniqueKeysWithValues: try fs.extendedAttributes(query.inode).map { ($0.name, $0.value) })
        #expect(attributes["user.recallfs.query"] == "budget limit:3")
        #expect(attributes["user.recallfs.backend"] == "mock")
        #expect(attributes["user.recallfs.total"] == "3+")  // the mock cannot count: at least the limit
        #expect(attributes["user.recallfs.took_ms"].flatMap(Double.init) != nil)
        #expect(attributes["user.recallfs.ranking"]?.split(separator: "\n").count == 3)
    }
}
