@testable import Cache
import Foundation
import Synchronization
import Testing

/// One eviction as the handler saw it.
private struct Eviction: Sendable, Equatable {
    var key: Int
    var value: Int
    var wasRead: Bool
    var reason: EvictionReason
}

private func tier(_ capacity: Int, _ recorder: Recorder<Eviction>? = nil) -> MemoryTier<Int, Int> {
    MemoryTier(capacityBytes: capacity) { key, value, wasRead, reason in
        recorder?.append(Eviction(key: key, value: value, wasRead: wasRead, reason: reason))
    }
}

@Suite struct MemoryTierTests {
    /// What the tier should hold, kept beside it: key → (value, cost, read while cached).
    private final class Model: Sendable {
        struct Entry { var value: Int; var cost: Int; var read: Bool }
        let entries = Mutex<[Int: Entry]>([:])
        let problems = Mutex<[String]>([])
        func note(_ problem: String) { problems.withLock { $0.append(problem) } }
    }

    @Test func byteBoundHoldsUnderLongRandomTraces() {
        for seed: UInt64 in [1, 7, 42, 2024] {
            var rng = LCG(seed: seed)
            let capacity = 64 << 10
            let model = Model()
            let cache = MemoryTier<Int, Int>(capacityBytes: capacity) { key, value, wasRead, reason in
                model.entries.withLock { entries in
                    guard let entry = entries.removeValue(forKey: key) else {
                        return model.note("evicted \(key), which the model does not hold")
                    }
                    if entry.value != value { model.note("evicted \(key) with value \(value), expected \(entry.value)") }
                    let expectRead = (reason == .capacity || reason == .pressure) && entry.read
                    if wasRead != expectRead { model.note("\(key) evicted (\(reason)) with wasRead \(wasRead)") }
                }
            }
            var sequence = 0
            for step in 0..<20_000 {
                let key = Int.random(in: 0..<600, using: &rng)
                switch Int.random(in: 0..<100, using: &rng) {
                case 0..<45:
                    sequence += 1
                    // Mostly small, sometimes over the 1/8 admission bound (8 KiB).
                    let cost = Int.random(in: 0..<10, using: &rng) == 0
                        ? Int.random(in: 1...(capacity / 6), using: &rng) : Int.random(in: 1...2048, using: &rng)
                    let limit: Int? = Int.random(in: 0..<20, using: &rng) == 0 ? 1024 : nil
                    let expected = cost <= min(limit ?? .max, capacity / 8) && cost <= cache.target
                    // A replaced entry leaves silently. The new one is recorded first: the handler may evict
                    // it during its own put (it is the small queue's only entry when main holds the rest).
                    model.entries.withLock { $0[key] = Model.Entry(value: sequence, cost: cost, read: false) }
                    let admitted = cache.put(key, sequence, cost: cost, admissionLimit: limit)
                    #expect(admitted == expected, "seed \(seed) step \(step): put cost \(cost) limit \(String(describing: limit))")
                    if !admitted { model.entries.withLock { $0[key] = nil } }  // a rejected put leaves nothing behind
                case 45..<85:
                    let got = cache.get(key)
                    let expected = model.entries.withLock { entries -> Int? in
                        entries[key]?.read = true
                        return entries[key]?.value
                    }
                    #expect(got == expected, "seed \(seed) step \(step): get \(key)")
                case 85..<93:
                    cache.remove(key)
                case 93..<95:
                    let modulus = Int.random(in: 5...13, using: &rng)
                    cache.removeAll { $0 % modulus == 0 }
                default:
                    cache.setTarget(Int.random(in: -1000...(capacity + capacity / 4), using: &rng))
                }
                let stats = cache.stats
                #expect(stats.bytes <= cache.target, "seed \(seed) step \(step): \(stats.bytes) > \(cache.target)")
                #expect(cache.target >= 0 && cache.target <= capacity)
                let (count, bytes) = model.entries.withLock { ($0.count, $0.values.reduce(0) { $0 + $1.cost }) }
                #expect(stats.entries == count && stats.bytes == bytes, "seed \(seed) step \(step)")
                if stats.entries != count || stats.bytes != bytes { break }
            }
            let problems = model.problems.withLock { $0 }
            #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
            let stats = cache.stats
            #expect(stats.evictions[.capacity, default: 0] > 0 && stats.evictions[.pressure, default: 0] > 0)
            #expect(stats.admissionRejects > 0 && stats.hits > 0 && stats.misses > 0)
        }
    }

    @Test func entriesOverAnEighthOfTheCapacityAreNotAdmitted() {
        let cache = tier(8000)
        #expect(cache.put(1, 1, cost: 1000))        // exactly 1/8
        #expect(!cache.put(2, 2, cost: 1001))
        #expect(cache.get(2) == nil)
        #expect(cache.stats.admissionRejects == 1)
        #expect(cache.stats.bytes == 1000 && cache.stats.entries == 1)
        // A rejected replacement drops the older value too (it would be stale).
        #expect(!cache.put(1, 10, cost: 5000))
        #expect(cache.get(1) == nil)
        #expect(cache.stats.admissionRejects == 2 && cache.stats.bytes == 0)
    }

    @Test func anExplicitAdmissionLimitIsHonoured() {
        let cache = tier(8000)
        #expect(!cache.put(1, 1, cost: 600, admissionLimit: 500))
        #expect(cache.put(2, 2, cost: 500, admissionLimit: 500))
        // The limit only lowers the bound: 1/8 of the capacity still applies.
        #expect(!cache.put(3, 3, cost: 1200, admissionLimit: 4000))
        #expect(cache.stats.admissionRejects == 2)
        #expect(cache.get(1) == nil && cache.get(2) == 2 && cache.get(3) == nil)
    }

    @Test func expiredEntriesAreNotServedAndAreCounted() throws {
        let evictions = Recorder<Eviction>()
        let cache = tier(8000, evictions)
        cache.put(1, 11, cost: 100, ttl: 0.05)
        cache.put(2, 22, cost: 100, ttl: 3600)
        cache.put(3, 33, cost: 100)
        #expect(cache.get(1) == 11)  // not expired yet, and now read
        Thread.sleep(forTimeInterval: 0.15)
        #expect(cache.get(1) == nil)
        #expect(cache.get(2) == 22 && cache.get(3) == 33)
        let stats = cache.stats
        #expect(stats.evictions[.expired] == 1)
        #expect(stats.entries == 2 && stats.bytes == 200)
        #expect(stats.hits == 3 && stats.misses == 1)
        // Expired data is never handed on for demotion, even if it was read.
        #expect(evictions.all == [Eviction(key: 1, value: 11, wasRead: false, reason: .expired)])
    }

    @Test func removalsCountAsInvalidated() {
        let evictions = Recorder<Eviction>()
        let cache = tier(100_000, evictions)
        for key in 0..<10 { cache.put(key, key * 10, cost: 100) }
        _ = cache.get(4)
        cache.remove(4)
        cache.remove(99)  // absent: nothing counted
        #expect(cache.stats.evictions[.invalidated] == 1)
        cache.removeAll { $0 % 3 == 0 }  // 0, 3, 6, 9
        #expect(cache.stats.evictions[.invalidated] == 5)
        #expect(cache.stats.entries == 5 && cache.stats.bytes == 500)
        #expect(Set(evictions.all.map(\.key)) == [0, 3, 4, 6, 9])
        #expect(evictions.all.allSatisfy { $0.reason == .invalidated && !$0.wasRead && $0.value == $0.key * 10 })
        #expect(cache.get(3) == nil && cache.get(5) == 50)
    }

    @Test func lowerTargetsEvictForPressureAndTheBudgetForCapacity() {
        let evictions = Recorder<Eviction>()
        let cache = tier(8000, evictions)
        for key in 0..<10 { cache.put(key, key, cost: 500) }
        #expect(cache.stats.evictions.isEmpty)
        cache.setTarget(2000)
        #expect(cache.target == 2000)
        #expect(cache.stats.bytes <= 2000 && cache.stats.entries == 4)
        #expect(cache.stats.evictions == [.pressure: 6])
        #expect(evictions.all.allSatisfy { $0.reason == .pressure })
        // Puts under a lowered target still evict down to it.
        cache.put(20, 20, cost: 500)
        #expect(cache.stats.bytes <= 2000)
        cache.setTarget(100_000)  // clamped to the budget
        #expect(cache.target == 8000)
        evictions.reset()
        for key in 30..<50 { cache.put(key, key, cost: 500) }
        #expect(cache.stats.bytes <= 8000)
        #expect(!evictions.all.isEmpty && evictions.all.allSatisfy { $0.reason == .capacity })
        #expect(cache.stats.evictions[.pressure] == 6)
        cache.setTarget(-10)
        #expect(cache.target == 0 && cache.stats.entries == 0 && cache.stats.bytes == 0)
        #expect(!cache.put(60, 60, cost: 1))  // nothing fits a zero target
    }

    @Test func theHandlerReportsWhetherAnEntryWasRead() {
        let evictions = Recorder<Eviction>()
        let cache = tier(8000, evictions)
        for key in 0..<6 { cache.put(key, key, cost: 500) }
        _ = cache.get(1)
        _ = cache.get(4)
        _ = cache.get(4)
        _ = cache.get(42)  // a miss marks nothing
        cache.put(5, 5, cost: 500)  // replaced: the new entry has not been read
        cache.setTarget(0)
        let read = Dictionary(uniqueKeysWithValues: evictions.all.map { ($0.key, $0.wasRead) })
        #expect(read == [0: false, 1: true, 2: false, 3: false, 4: true, 5: false])
    }

    @Test func anEntryReadInTheSmallQueueMovesToMainAndOutlivesAScan() {
        let cache = tier(1000)  // ten entries of 100; the small queue is 10% of that
        cache.put(-1, -1, cost: 100)
        _ = cache.get(-1)
        cache.put(-2, -2, cost: 100)  // same age, never read
        for key in 0..<40 { cache.put(key, key, cost: 100) }
        #expect(cache.get(-1) == -1)
        #expect(cache.get(-2) == nil)
        #expect(cache.get(0) == nil)  // the scan's own head is long gone
        #expect(cache.stats.bytes <= 1000)
    }

    @Test func aOneHitKeyComesBackStraightIntoMain() {
        let cache = tier(1000)
        cache.put(-1, -1, cost: 100)  // one hit: it will leave through the small queue…
        for key in 0..<20 { cache.put(key, key, cost: 100) }
        #expect(cache.stats.entries == 10)
        cache.put(-1, -1, cost: 100)  // …and its key, remembered by the ghost queue, goes straight to main
        cache.put(-2, -2, cost: 100)  // a fresh key at the same moment goes to the small queue
        for key in 100..<140 { cache.put(key, key, cost: 100) }
        #expect(cache.get(-1) == -1)
        #expect(cache.get(-2) == nil)
    }

    @Test func mainGivesReadEntriesAnotherRound() {
        let evictions = Recorder<Eviction>()
        let cache = tier(1000, evictions)
        for key in 0..<4 { cache.put(key, key, cost: 100); _ = cache.get(key) }  // all move to main later
        for key in 10..<17 { cache.put(key, key, cost: 100) }  // fills; 0…3 move to main, 10 leaves
        _ = cache.get(1)
        _ = cache.get(1)
        cache.setTarget(100)  // empties the small queue, then main from its head
        #expect(cache.get(1) == 1)
        #expect(cache.stats.entries == 1)
        let fromMain = evictions.all.filter { $0.key < 10 }
        #expect(fromMain.map(\.key) == [0, 2, 3])
        #expect(fromMain.allSatisfy { $0.wasRead && $0.reason == .pressure })
    }
}
