import Cache
import Foundation
import Store
import Synchronization
import Testing
import TestSupport
@testable import Tree

/// Counts full entity loads, which is what every rendering (or re-rendering) starts with.
private final class CountingStore: DocumentStore {
    let base: MockDocumentStore
    let loads = Mutex(0)
    init(_ base: MockDocumentStore) { self.base = base }
    var backendName: String { "counting" }
    func libraries() throws -> [Library] { try base.libraries() }
    func entitySummaries(afterID: Int64, library: Int64?, limit: Int) throws -> [EntitySummary] {
        try base.entitySummaries(afterID: afterID, library: library, limit: limit)
    }
    func entitySummary(id: Int64) throws -> EntitySummary? { try base.entitySummary(id: id) }
    func entities(ids: [Int64]) throws -> [Entity] { loads.withLock { $0 += 1 }; return try base.entities(ids: ids) }
    func entityCount(library: Int64?) throws -> Int { try base.entityCount(library: library) }
    func search(_ request: SearchRequest) throws -> [SearchHit] { try base.search(request) }
}

/// A cold read of a document that no cache tier can hold (1 MiB chunks, a 4 MB memory tier, no disk)
/// renders it a few times, not once per read call: the quadratic re-rendering is gone.
@Suite struct RebuildTests {
    @Test func aColdReadWithNoCacheRoomRendersAFewTimesNotOncePerRead() throws {
        let text = String(repeating: "quarterly budget line\n", count: 240_000)  // about 5 MB
        let entity = Entity(summary: EntitySummary(id: 7, libraryID: 1, filename: "big.txt", createdAt: 1_768_469_400,
                                                   app: nil, version: "v1"),
                            filepath: "/big.txt", size: 1, fileType: "txt", fileTypeGroup: "text", lastModifiedAt: 0,
                            lastScanAt: 0, tags: [], metadata: [MetadataEntry(key: "text", value: text, source: "t", dataType: "text")])
        let store = CountingStore(MockDocumentStore(libraries: [Library(id: 1, name: "l", kind: "static")], entities: [entity]))
        var configuration = CacheConfiguration()
        configuration.memoryBytes = 4 << 20
        configuration.diskBytes = 0
        let tiered = try TieredCache(configuration: configuration, diskDirectory: nil)
        let fs = RecallFileSystem(store: store, board: StatusBoard(), savedQueries: nil, tiered: tiered)
        let reference = DocumentRenderer.render(entity, library: Library(id: 1, name: "l", kind: "static"))
        let inode = Node.document(7).inode
        #expect(try fs.attributes(inode).size == Int64(reference.count))
        let file = try fs.open(inode, writing: false)
        var read: [UInt8] = []
        while true {
            let part = try fs.read(handle: file.handle, offset: Int64(read.count), size: 128 << 10)
            if part.isEmpty { break }
            read += part
        }
        fs.release(handle: file.handle)
        #expect(read == reference)
        let loads = store.loads.withLock { $0 }
        #expect(loads <= 4, "entity loaded \(loads) times for \(reference.count / (128 << 10)) reads")
        #expect(fs.documentFiles.stashTotal.used == 0)  // released with the handle
    }
}
