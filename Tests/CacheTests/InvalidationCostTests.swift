@testable import Cache
import Foundation
import Store
import Testing
import TestSupport

/// A change event costs work proportional to what it names, not to the size of the cache: the memory
/// tier keeps an index by document and by kind, and the disk tier one by document.
@Suite struct InvalidationCostTests {
    @Test func anEventTouchesOnlyTheEntriesItNames() throws {
        let directory = try TemporaryDirectory("invalidation")
        var configuration = CacheConfiguration()
        configuration.memoryBytes = 256 << 20
        configuration.minFreeDiskBytes = 0
        let cache = try TieredCache(configuration: configuration, diskDirectory: directory.path + "/blocks")
        // 2,000 documents of 5 chunks each in memory, and 200 on disk.
        for document in 1...2_000 {
            for index in 0..<5 {
                cache.put(.chunk(document: Int64(document), version: "v1", index: index), .bytes([UInt8(index)]))
            }
        }
        for document in 1...200 { cache.disk?.put("doc/\(document)/1/0", [1, 2, 3]) }
        cache.put(.libraries, .libraries([Library(id: 1, name: "screenshots", kind: "record")]))
        let store = CachingStore(MockDocumentStore(), cache: cache)
        #expect(cache.memory.stats.entries == 10_001)

        store.invalidate([ChangeEvent(kind: .updated, id: 7, source: "test")])

        // Five chunks of document 7 and the library list: six entries looked at, not 10,001.
        #expect(cache.memory.stats.invalidationTouches == 6)
        #expect(cache.memory.stats.entries == 9_995)
        for index in 0..<5 { #expect(cache.get(.chunk(document: 7, version: "v1", index: index)) == nil) }
        #expect(cache.get(.chunk(document: 8, version: "v1", index: 0)) != nil)
        #expect(cache.disk?.get("doc/7/1/0") == nil)
        #expect(cache.disk?.get("doc/8/1/0") == [1, 2, 3])
        #expect(cache.disk?.stats.evictions[.invalidated] == 1)
    }
}
