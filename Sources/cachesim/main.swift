import Cache
import Foundation

// cachesim: replays a recorded access trace (RECALLFS_CACHE_TRACE) through RecallFS's S3-FIFO memory
// tier and through a plain LRU with the same byte budgets, and prints each policy's hit ratio.
//   cachesim TRACE [BUDGET_MB...]
// A lookup that misses is followed by a store of the key with the size the trace recorded for it,
// as the daemon does, so both policies see the same demand.

/// A byte-bounded least-recently-used cache: the baseline.
struct LRU {
    let capacity: Int
    var bytes = 0
    var tick = 0
    var entries: [String: (cost: Int, used: Int)] = [:]
    var order: [(String, Int)] = []  // (key, tick) in use order; stale pairs are skipped
    var head = 0

    mutating func get(_ key: String) -> Bool {
        guard let entry = entries[key] else { return false }
        tick += 1
        entries[key] = (entry.cost, tick)
        order.append((key, tick))
        return true
    }

    mutating func put(_ key: String, cost: Int) {
        guard cost <= capacity else { return }
        tick += 1
        if let old = entries[key] { bytes -= old.cost }
        entries[key] = (cost, tick)
        order.append((key, tick))
        bytes += cost
        while bytes > capacity, head < order.count {
            let (victim, at) = order[head]
            head += 1
            if let entry = entries[victim], entry.used == at {
                entries.removeValue(forKey: victim)
                bytes -= entry.cost
            }
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    print("usage: cachesim TRACE [BUDGET_MB...]")
    exit(2)
}
var costs: [String: Int] = [:]
var lookups: [String] = []
for line in text.split(separator: "\n") {
    let parts = line.split(separator: " ")
    guard parts.count >= 2 else { continue }
    if parts[0] == "P", parts.count == 3, let cost = Int(parts[2]) { costs[String(parts[1])] = cost }
    if parts[0] == "G" { lookups.append(String(parts[1])) }
}
let budgets = arguments.count > 2 ? arguments.dropFirst(2).compactMap { Int($0) } : [8, 32, 128]
print("trace: \(lookups.count) lookups of \(Set(lookups).count) keys")
for megabytes in budgets {
    let budget = megabytes << 20
    let s3 = MemoryTier<String, Int>(capacityBytes: budget)
    var lru = LRU(capacity: budget)
    var s3Hits = 0, lruHits = 0
    for key in lookups {
        let cost = costs[key] ?? 256
        if s3.get(key) != nil { s3Hits += 1 } else { s3.put(key, 0, cost: cost, admissionLimit: Int.max) }
        if lru.get(key) { lruHits += 1 } else { lru.put(key, cost: cost) }
    }
    let n = Double(max(1, lookups.count))
    print(String(format: "budget %4d MB   S3-FIFO hit ratio %.3f   LRU hit ratio %.3f   ratio %.2fx",
                 megabytes, Double(s3Hits) / n, Double(lruHits) / n, Double(s3Hits) / Double(max(1, lruHits))))
}
