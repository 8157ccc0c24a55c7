import Foundation
import Store
import Synchronization
import TestSupport
import Testing
import Tree

// Files the kernel opens by itself (the FUSE bridge answers `open` with ENOSYS) are read by inode,
// with the kernel's page cache kept; query directories let the kernel cache their listing. These
// tests check what keeps those caches right: the bytes and sizes a read by inode gives, a status
// file's mtime that moves exactly when its content does, and the advice `opendir` gives.

private let base: Int64 = 1_768_469_400

private func entity(_ id: Int64, words: String, version: String = "v1") -> Entity {
    Entity(summary: EntitySummary(id: id, libraryID: 1, filename: "shot-\(id).webp", createdAt: base + id * 60,
                                  app: "Firefox", version: version),
           filepath: "/screens/shot-\(id).webp", size: 1000, fileType: "webp", fileTypeGroup: "image",
           lastModifiedAt: base + id * 60, lastScanAt: base + id * 60, tags: [],
           metadata: [MetadataEntry(key: "ocr_result", value: #"[{"rec_txt": "\#(words)", "score": 1}]"#,
                                    source: "ocr", dataType: "json")])
}

/// A status source whose content the test changes by hand.
final class SettableStatus: StatusFileSource {
    let text = Mutex("first\n")
    func content(_ file: StatusFile) -> [UInt8] { Array(text.withLock { $0 }.utf8) }
}

/// Renders in 0.7 s, longer than a snapshot lives, with a different length each time.
final class SlowStatus: StatusFileSource {
    let renders = Mutex(0)
    func content(_ file: StatusFile) -> [UInt8] {
        Thread.sleep(forTimeInterval: 0.7)
        let n = renders.withLock { $0 += 1; return $0 }
        return Array(String(repeating: "x", count: n * 10).utf8)
    }
}

private func readByInode(_ fs: RecallFileSystem, _ inode: UInt64, chunk: Int = 7) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while true {
        let part = try fs.read(inode: inode, offset: Int64(bytes.count), size: chunk)
        if part.isEmpty { return bytes }
        bytes += part
    }
}

@Suite struct KernelOpenedFilesTests {
    let mock = MockDocumentStore(libraries: [Library(id: 1, name: "screenshots", kind: "record")],
                                 entities: (1...30).map { entity($0, words: "zebra notes \($0)") })
    let fs: RecallFileSystem
    let status = SettableStatus()

    init() {
        fs = RecallFileSystem(store: mock, board: StatusBoard(), savedQueries: nil)
        fs.attach(status: status)
    }

    @Test func documentReadByInodeIsTheOpenedBytesAndTheStatSize() throws {
        let inode = Node.document(7).inode
        let opened = try fs.open(inode, writing: false)
        defer { fs.release(handle: opened.handle) }
        var byHandle: [UInt8] = []
        while case let part = try fs.read(handle: opened.handle, offset: Int64(byHandle.count), size: 5), !part.isEmpty {
            byHandle += part
        }
        let byInode = try readByInode(fs, inode)
        #expect(byInode == byHandle)
        #expect(Int64(byInode.count) == (try fs.attributes(inode)).size)
        #expect(String(decoding: byInode, as: UTF8.self).contains("zebra notes 7"))
        #expect(try fs.read(inode: inode, offset: Int64(byInode.count), size: 10).isEmpty)
    }

    @Test func readsByInodeOfMissingOrDirectoryNodesFail() {
        #expect(throws: FSError.self) { try fs.read(inode: Node.document(999).inode, offset: 0, size: 10) }
        #expect(throws: FSError.self) { try fs.read(inode: Node.documents.inode, offset: 0, size: 10) }
        #expect(throws: FSError.self) { try fs.read(inode: Node.document(7).inode, offset: -1, size: 10) }
    }

    @Test func statusFileReadByInodeMatchesItsLastStatAndItsMtimeMovesOnlyWithContent() throws {
        let inode = Node.statusFile(.health).inode
        let first = try fs.attributes(inode)
        #expect(String(decoding: try readByInode(fs, inode), as: UTF8.self) == "first\n")
        #expect(first.size == 6)

        // Same content rendered again later: the same mtime, so the kernel keeps its pages.
        Thread.sleep(forTimeInterval: 0.6)
        let again = try fs.attributes(inode)
        #expect(again.modified == first.modified && again.modifiedNanoseconds == first.modifiedNanoseconds)

        // New content (same length, within the same second or not): another mtime, and the read
        // after that stat gives the new bytes at the new size.
        status.text.withLock { $0 = "other\n" }
        Thread.sleep(forTimeInterval: 0.6)
        let changed = try fs.attributes(inode)
        #expect(changed.size == 6)
        #expect(changed.modified != first.modified || changed.modifiedNanoseconds != first.modifiedNanoseconds)
        #expect(String(decoding: try readByInode(fs, inode), as: UTF8.self) == "other\n")

        status.text.withLock { $0 = "a longer text\n" }
        Thread.sleep(forTimeInterval: 0.6)
        let longer = try fs.attributes(inode)
        let bytes = try readByInode(fs, inode)
        #expect(Int64(bytes.count) == longer.size)
        #expect(String(decoding: bytes, as: UTF8.self) == "a longer text\n")
    }

    /// A status file that takes longer than its snapshot's lifetime to render (health.json while the
    /// API times out) is not rendered again by the very next request: the kernel's EOF read right
    /// after must see the snapshot whose size it was told, not the head of one and the tail of another.
    @Test func slowStatusRenderingIsNotBornExpired() throws {
        let slow = SlowStatus()
        let fs = RecallFileSystem(store: mock, board: StatusBoard(), savedQueries: nil)
        fs.attach(status: slow)
        let inode = Node.statusFile(.healthJSON).inode
        #expect(fs.attributeTimeout(for: inode) > 0, "the kernel must keep the size it was told for a while")
        let first = try fs.attributes(inode)
        let second = try fs.attributes(inode)
        #expect(slow.renders.withLock { $0 } == 1)
        #expect(first.size == second.size)
        #expect(Int64(try readByInode(fs, inode).count) == first.size)
    }

    @Test func queryDirectoryListingIsCachedWhileItsResultsStayTheSame() throws {
        let query = try fs.makeDirectory(parent: Node.search.inode, name: "zebra")
        let first = try fs.openDirectoryForKernel(query.inode)
        defer { fs.releaseDirectory(handle: first.handle) }
        #expect(first.cacheListing)
        #expect(!first.keepCachedListing, "nothing was handed out before")

        let second = try fs.openDirectoryForKernel(query.inode)
        defer { fs.releaseDirectory(handle: second.handle) }
        #expect(second.cacheListing && second.keepCachedListing)

        // A new matching capture, announced: the result list is recomputed and differs.
        mock.put(entity(31, words: "zebra crossing"))
        _ = fs.invalidate([ChangeEvent(kind: .added, id: 31, source: "sqlite")])
        let third = try fs.openDirectoryForKernel(query.inode)
        defer { fs.releaseDirectory(handle: third.handle) }
        #expect(third.cacheListing && !third.keepCachedListing, "the kernel must drop the old listing")
        let names = try fs.readDirectory(query.inode, handle: third.handle, after: 0, count: 100, plus: false).map(\.name)
        #expect(names.contains { $0.contains("-31-") })
    }

    @Test func otherDirectoriesAreNotCachedByTheKernel() throws {
        for node in [Node.root, .documents, .search, .statusDirectory, .libraries] {
            let opened = try fs.openDirectoryForKernel(node.inode)
            defer { fs.releaseDirectory(handle: opened.handle) }
            #expect(!opened.cacheListing, "\(node)")
        }
    }
}
