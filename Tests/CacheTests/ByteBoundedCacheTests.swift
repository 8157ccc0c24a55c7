import Testing
import Cache

/// A deterministic linear congruential generator (Knuth's MMIX constants), so every run sees one trace.
struct LCG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

@Suite struct ByteBoundedCacheTests {
    @Test func putGetRemove() {
        let cache = ByteBoundedCache<Int, String>(capacityBytes: 100)
        #expect(cache.get(1) == nil)
        cache.put(1, "one", cost: 10)
        cache.put(2, "two", cost: 20)
        #expect(cache.get(1) == "one")
        #expect(cache.get(2) == "two")
        #expect(cache.stats.bytes == 30)
        #expect(cache.stats.entries == 2)
        cache.remove(1)
        #expect(cache.get(1) == nil)
        #expect(cache.stats.bytes == 20)
        cache.remove(99)  // absent: no effect
        #expect(cache.stats.bytes == 20)
        let stats = cache.stats
        #expect(stats.hits == 2 && stats.misses == 2)
    }

    @Test func replacingAKeyReplacesItsCost() {
        let cache = ByteBoundedCache<String, Int>(capacityBytes: 100)
        cache.put("a", 1, cost: 60)
        cache.put("a", 2, cost: 30)
        #expect(cache.get("a") == 2)
        #expect(cache.stats.bytes == 30)
        #expect(cache.stats.entries == 1)
        #expect(cache.stats.evictions == 0)
    }

    @Test func entryLargerThanCapacityIsNotStored() {
        let cache = ByteBoundedCache<Int, Int>(capacityBytes: 50)
        cache.put(1, 1, cost: 20)
        cache.put(2, 2, cost: 51)
        #expect(cache.get(2) == nil)
        #expect(cache.stats.entries == 1)  // and it evicted nothing
        #expect(cache.stats.evictions == 0)
        #expect(cache.stats.bytes == 20)
        cache.put(3, 3, cost: 50)  // exactly the capacity fits, alone
        #expect(cache.get(3) == 3)
        #expect(cache.get(1) == nil)
        #expect(cache.stats.bytes == 50)
    }

    /// Regression (fixed): an oversized put of an existing key returns early and leaves the old value readable.
    @Test func oversizedReplacementDoesNotLeaveStaleValue() {
        let cache = ByteBoundedCache<Int, String>(capacityBytes: 50)
        cache.put(1, "old", cost: 10)
        cache.put(1, "new", cost: 500)
        #expect(cache.get(1) != "old")
    }

    @Test func referencedEntrySurvivesOneSweep() {
        let cache = ByteBoundedCache<String, Int>(capacityBytes: 3)
        cache.put("a", 1, cost: 1)
        cache.put("b", 2, cost: 1)
        cache.put("c", 3, cost: 1)
        #expect(cache.get("a") == 1)  // marks a
        cache.put("d", 4, cost: 1)    // the hand passes a (second chance) and evicts b
        #expect(cache.get("a") == 1)
        #expect(cache.get("b") == nil)
        #expect(cache.get("c") == 3)
        #expect(cache.get("d") == 4)
        #expect(cache.stats.evictions == 1)
    }

    @Test func allReferencedStillMakesRoom() {
        let cache = ByteBoundedCache<Int, Int>(capacityBytes: 4)
        for k in 0..<4 { cache.put(k, k, cost: 1) }
        for k in 0..<4 { _ = cache.get(k) }
        cache.put(9, 9, cost: 2)
        #expect(cache.stats.bytes <= 4)
        #expect(cache.stats.evictions >= 1)
    }

    /// The entry being put must not be the victim of its own insertion while older, unread entries
    /// can go. Regression (fixed): the new key is appended to the ring unreferenced, so when every entry ahead of
    /// the hand is referenced the sweep reaches the new key first and evicts it (here 9 and then
    /// every later new key are dropped, and the cache never admits anything new).
    @Test func newEntryIsNotEvictedByItsOwnPut() {
        let cache = ByteBoundedCache<Int, Int>(capacityBytes: 4)
        for k in 0..<4 { cache.put(k, k, cost: 1) }
        for k in 0..<4 { _ = cache.get(k) }
        cache.put(9, 9, cost: 2)
        cache.put(10, 10, cost: 1)
        #expect(cache.stats.bytes <= 4)
        #expect(cache.get(9) == 9)
        #expect(cache.get(10) == 10)
    }

    /// With nothing ever read, CLOCK degenerates to FIFO: the newest entries are the ones kept.
    /// Regression (fixed): eviction swap-removes from the ring, moving the newest key under the hand, so it is
    /// the next victim (here d is evicted while the older b and c stay).
    @Test func unreferencedEntriesAreEvictedOldestFirst() {
        let cache = ByteBoundedCache<String, Int>(capacityBytes: 3)
        for (i, key) in ["a", "b", "c", "d", "e"].enumerated() { cache.put(key, i, cost: 1) }
        #expect(cache.stats.entries == 3)
        #expect(cache.get("e") == 4)  // the entry just put is always kept
        #expect(cache.get("d") == 3)
        #expect(cache.get("a") == nil && cache.get("b") == nil)
    }

    @Test func removeAllKeepsCounters() {
        let cache = ByteBoundedCache<Int, Int>(capacityBytes: 10)
        cache.put(1, 1, cost: 5)
        _ = cache.get(1)
        _ = cache.get(2)
        cache.removeAll()
        #expect(cache.get(1) == nil)
        let stats = cache.stats
        #expect(stats.entries == 0 && stats.bytes == 0)
        #expect(stats.hits == 1 && stats.misses == 2)
        cache.put(3, 3, cost: 10)
        #expect(cache.get(3) == 3)
    }

    /// A random trace of puts, gets and removes against a model: the byte bound always holds, the
    /// byte count equals the sum of what is stored, and every value read back is the latest one put
    /// for its key (never a removed or overwritten one).
    @Test(arguments: [UInt64(1), 7, 42, 2024, 0xDEAD_BEEF])
    func randomTraceNeverExceedsBound(_ seed: UInt64) {
        var rng = LCG(seed: seed)
        let capacity = 1_000
        let cache = ByteBoundedCache<Int, Int>(capacityBytes: capacity)
        var latest: [Int: (value: Int, cost: Int)] = [:]  // what was last put (not necessarily still cached)
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<64, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let cost = Int.random(in: 0...(rng.next() % 8 == 0 ? 1_200 : 150), using: &rng)
                cache.put(key, step, cost: cost)
                if cost <= capacity { latest[key] = (step, cost) }
            case 5..<8:
                if let value = cache.get(key) {
                    #expect(value == latest[key]?.value, "step \(step)")
                }
            default:
                cache.remove(key)
                latest[key] = nil
                #expect(cache.get(key) == nil)
            }
            let stats = cache.stats
            #expect(stats.bytes <= capacity, "step \(step)")
            #expect(stats.bytes >= 0)
            if step % 500 == 0 {
                let stored = latest.filter { cache.get($0.key) != nil }
                #expect(stored.values.reduce(0) { $0 + $1.cost } == cache.stats.bytes, "step \(step)")
                #expect(stored.count == cache.stats.entries, "step \(step)")
            }
        }
    }
}
