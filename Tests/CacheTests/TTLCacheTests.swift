import Cache
import Foundation
import Testing

@Suite struct TTLCacheTests {
    @Test func putGetAndCounters() {
        let cache = TTLCache<String, Int>(ttl: 60)
        #expect(cache.get("a") == nil)
        cache.put("a", 1)
        cache.put("b", 2)
        #expect(cache.get("a") == 1)
        #expect(cache.get("b") == 2)
        #expect(cache.get("c") == nil)
        cache.put("a", 10)  // replaces
        #expect(cache.get("a") == 10)
        var expected = CacheStats()
        expected.hits = 3; expected.misses = 2; expected.entries = 2
        #expect(cache.stats == expected)
    }

    @Test func entriesExpireAfterTheTTL() {
        let cache = TTLCache<Int, String>(ttl: 0.05)
        cache.put(1, "one")
        #expect(cache.get(1) == "one")
        Thread.sleep(forTimeInterval: 0.15)
        #expect(cache.get(1) == nil)
        let stats = cache.stats
        #expect(stats.expired == 1 && stats.misses == 1 && stats.hits == 1 && stats.entries == 0)
        #expect(cache.get(1) == nil)  // gone, not expired twice
        #expect(cache.stats.expired == 1 && cache.stats.misses == 2)
        cache.put(1, "again")  // a fresh put lives again
        #expect(cache.get(1) == "again")
    }

    @Test func replacingRefreshesTheTTL() {
        let cache = TTLCache<Int, Int>(ttl: 0.3)
        cache.put(1, 1)
        Thread.sleep(forTimeInterval: 0.2)
        cache.put(1, 2)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(cache.get(1) == 2)
    }

    @Test func zeroTTLStoresNothing() {
        let cache = TTLCache<Int, Int>(ttl: 0)
        cache.put(1, 1)
        #expect(cache.get(1) == nil)
        #expect(cache.stats.entries == 0 && cache.stats.misses == 1 && cache.stats.expired == 0)
    }

    @Test func maxEntriesEvictsTheOldest() {
        let cache = TTLCache<Int, Int>(ttl: 60, maxEntries: 3)
        for key in 1...5 { cache.put(key, key * 10) }
        #expect(cache.stats.entries == 3)
        #expect(cache.stats.evicted == 2)
        #expect(cache.get(1) == nil && cache.get(2) == nil)
        #expect(cache.get(3) == 30 && cache.get(4) == 40 && cache.get(5) == 50)
    }

    @Test func boundHoldsUnderChurn() {
        let cache = TTLCache<Int, Int>(ttl: 60, maxEntries: 10)
        var rng = LCG(seed: 7)
        for _ in 0..<5_000 {
            let key = Int.random(in: 0..<40, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: cache.remove(key)
            default: cache.put(key, key)
            }
            #expect(cache.stats.entries <= 10)
        }
        for key in 0..<40 { if let value = cache.get(key) { #expect(value == key) } }
    }

    /// After `remove` and a new `put`, the key is the newest entry and must not be evicted first.
    @Test func reinsertedKeyIsNewest() {
        let cache = TTLCache<String, Int>(ttl: 60, maxEntries: 2)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.remove("a")
        cache.put("a", 3)  // now b is the oldest
        cache.put("c", 4)
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") == 3)
        #expect(cache.get("c") == 4)
    }

    @Test func removeAndRemoveAllCountInvalidations() {
        let cache = TTLCache<Int, Int>(ttl: 60)
        for key in 0..<5 { cache.put(key, key) }
        cache.remove(0)
        cache.remove(0)  // absent: not counted
        cache.remove(99)
        #expect(cache.stats.invalidated == 1)
        cache.removeAll()
        #expect(cache.stats.invalidated == 5)
        #expect(cache.stats.entries == 0)
        for key in 0..<5 { #expect(cache.get(key) == nil) }
        cache.removeAll()
        #expect(cache.stats.invalidated == 5)
        cache.put(1, 1)
        #expect(cache.get(1) == 1)
    }

    @Test func worksThroughTheProtocol() {
        let cache: any KeyValueCache<Int, String> = TTLCache<Int, String>(ttl: 60)
        cache.put(1, "x")
        #expect(cache.get(1) == "x")
        cache.remove(1)
        #expect(cache.get(1) == nil)
        #expect(cache.stats.invalidated == 1)
    }

    @Test func concurrentUseKeepsCountsConsistent() async {
        let cache = TTLCache<Int, Int>(ttl: 60, maxEntries: 50)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for i in 0..<500 {
                        cache.put((worker * 1000 + i) % 80, i)
                        _ = cache.get(i % 80)
                    }
                }
            }
        }
        let stats = cache.stats
        #expect(stats.hits + stats.misses == 2_000)
        #expect(stats.entries <= 50)
    }
}
