import Cache
import Testing

/// A plain least-recently-used cache bounded in bytes: the baseline S3-FIFO is meant to beat on scans.
private struct ByteLRU {
    private final class Node {
        let key: Int
        var cost: Int
        var previous: Node?, next: Node?
        init(key: Int, cost: Int) { self.key = key; self.cost = cost }
    }
    let capacity: Int
    private(set) var bytes = 0
    private var nodes: [Int: Node] = [:]
    private var head: Node?, tail: Node?  // head: most recently used

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { nodes.count }
    func contains(_ key: Int) -> Bool { nodes[key] != nil }

    mutating func get(_ key: Int) -> Bool {
        guard let node = nodes[key] else { return false }
        unlink(node)
        pushFront(node)
        return true
    }

    mutating func put(_ key: Int, cost: Int) {
        if let old = nodes.removeValue(forKey: key) { unlink(old); bytes -= old.cost }
        guard cost <= capacity else { return }
        let node = Node(key: key, cost: cost)
        nodes[key] = node
        pushFront(node)
        bytes += cost
        while bytes > capacity, let victim = tail {
            unlink(victim)
            nodes.removeValue(forKey: victim.key)
            bytes -= victim.cost
        }
    }

    private mutating func unlink(_ node: Node) {
        if let previous = node.previous { previous.next = node.next } else { head = node.next }
        if let next = node.next { next.previous = node.previous } else { tail = node.previous }
        node.previous = nil
        node.next = nil
    }

    private mutating func pushFront(_ node: Node) {
        node.next = head
        head?.previous = node
        head = node
        if tail == nil { tail = node }
    }
}

/// One access of the trace: hot keys are read again and again, scan keys once.
private struct Access { var key: Int; var cost: Int; var hot: Bool }

/// Counts of one cache over the trace.
private struct Tally {
    var hits = 0, lookups = 0, hotHits = 0, hotLookups = 0
    var ratio: Double { lookups == 0 ? 0 : Double(hits) / Double(lookups) }
    var hotRatio: Double { hotLookups == 0 ? 0 : Double(hotHits) / Double(hotLookups) }
    mutating func count(_ hit: Bool, hot: Bool) {
        lookups += 1
        if hit { hits += 1 }
        if hot { hotLookups += 1; if hit { hotHits += 1 } }
    }
}

@Suite struct ScanResistanceTests {
    static let hotKeys = 50
    static let budget = 200 << 10  // the hot set (~50 KiB) is a quarter of it

    /// Warm-up on the hot set, then one long scan of one-hit keys (`grep -r` over every document) with a
    /// hot read every tenth access, ending with a stretch of scan only.
    private static func trace(seed: UInt64) -> (warmUp: [Access], scan: [Access]) {
        var rng = LCG(seed: seed)
        let hotCost = (0..<hotKeys).map { _ in Int.random(in: 768...1280, using: &rng) }
        func hot() -> Access {
            let key = Int.random(in: 0..<hotKeys, using: &rng)
            return Access(key: key, cost: hotCost[key], hot: true)
        }
        let warmUp = (0..<(hotKeys * 20)).map { _ in hot() }
        var scan: [Access] = []
        for index in 0..<6000 {
            scan.append(Access(key: 1_000_000 + index, cost: Int.random(in: 512...1536, using: &rng), hot: false))
            if index < 5000, index % 10 == 9 { scan.append(hot()) }
        }
        return (warmUp, scan)
    }

    @Test func theHotSetSurvivesAScanThatFlushesLRU() {
        let (warmUp, scan) = Self.trace(seed: 0x5EED)
        let s3 = MemoryTier<Int, Int>(capacityBytes: Self.budget)
        var lru = ByteLRU(capacity: Self.budget)
        var s3Tally = Tally(), lruTally = Tally()

        func run(_ accesses: [Access], tally: Bool) {
            for access in accesses {
                let s3Hit = s3.get(access.key) != nil
                if !s3Hit { s3.put(access.key, access.key, cost: access.cost) }
                let lruHit = lru.get(access.key)
                if !lruHit { lru.put(access.key, cost: access.cost) }
                if tally {
                    s3Tally.count(s3Hit, hot: access.hot)
                    lruTally.count(lruHit, hot: access.hot)
                }
                #expect(s3.stats.bytes <= Self.budget && lru.bytes <= Self.budget)
            }
        }
        run(warmUp, tally: false)
        #expect((0..<Self.hotKeys).allSatisfy(lru.contains))  // both caches start with the whole hot set
        run(scan, tally: true)

        let s3Survivors = (0..<Self.hotKeys).filter { s3.get($0) != nil }.count
        let lruSurvivors = (0..<Self.hotKeys).filter(lru.contains).count
        print("""
            scan resistance (\(Self.hotKeys) hot keys, \(scan.count) accesses, budget \(Self.budget >> 10) KiB):
              S3-FIFO hot hit ratio \(percent(s3Tally.hotRatio)), overall \(percent(s3Tally.ratio)), \
            hot keys left \(s3Survivors)/\(Self.hotKeys)
              LRU     hot hit ratio \(percent(lruTally.hotRatio)), overall \(percent(lruTally.ratio)), \
            hot keys left \(lruSurvivors)/\(Self.hotKeys)
            """)
        #expect(s3Tally.hotLookups == 500 && lruTally.hotLookups == 500)
        #expect(s3Tally.hotRatio >= 0.9, "S3-FIFO keeps the hot set through the scan")
        #expect(lruTally.hotRatio <= 0.6, "LRU loses the hot set to the scan")
        #expect(s3Tally.hotRatio >= lruTally.hotRatio + 0.3)
        #expect(s3Tally.ratio > lruTally.ratio)
        #expect(s3Survivors >= 45, "most hot keys survive in S3-FIFO")
        #expect(lruSurvivors <= 2, "almost none survive in LRU")
    }

    @Test func theByteLRUBaselineIsAnLRU() {
        var lru = ByteLRU(capacity: 300)
        lru.put(1, cost: 100)
        lru.put(2, cost: 100)
        lru.put(3, cost: 100)
        let hit = lru.get(1)
        #expect(hit)
        lru.put(4, cost: 100)  // 2 is the least recently used
        #expect(!lru.contains(2) && lru.contains(1) && lru.contains(3) && lru.contains(4))
        lru.put(5, cost: 250)
        #expect(lru.count == 1 && lru.bytes == 250)
        lru.put(6, cost: 301)  // larger than the whole cache: refused, and nothing is evicted for it
        #expect(lru.count == 1 && lru.bytes == 250 && !lru.contains(6))
    }
}

private func percent(_ ratio: Double) -> String {
    let tenths = Int((ratio * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
}
