@testable import Cache
import Foundation
import Synchronization
import Testing

/// The cache under real limits: a budget that follows the memory limit, bounded working memory, and a
/// disk tier that stays best-effort and ordered without scans.
@Suite struct LimitsTests {
    @Test func budgetFollowsTheLimitAndShrinksTheTierAtOnce() throws {
        var configuration = CacheConfiguration()
        configuration.memoryBytes = 512 << 20  // the flag asks for more than the limit allows
        let cache = try TieredCache(configuration: configuration, diskDirectory: nil)
        for i in 0..<60 { cache.put(.chunk(document: Int64(i), version: "v", index: 0), .bytes(Array(repeating: 1, count: 1 << 20))) }
        #expect(cache.memory.stats.bytes > 50 << 20)
        cache.follow(limitBytes: 128 << 20)  // a 128 MB cgroup: a quarter of what 24 MB for the process leaves
        #expect(cache.budget == 26 << 20)
        #expect(cache.memory.stats.bytes <= 26 << 20)
        cache.follow(limitBytes: 64 << 20)  // a 64 MB cgroup
        #expect(cache.budget == 10 << 20)
        #expect(cache.memory.stats.bytes <= 10 << 20)
        // An entry over 1/8 of the new budget skips memory.
        cache.put(.chunk(document: 999, version: "v", index: 0), .bytes(Array(repeating: 1, count: 2 << 20)))
        #expect(!cache.memory.contains(.chunk(document: 999, version: "v", index: 0)))
        // A machine-sized limit leaves the flag in charge.
        cache.follow(limitBytes: 24 << 30)
        #expect(cache.budget == 512 << 20)
        #expect(cache.working.limit == 256 << 20)
    }

    final class Inside: Sendable { let state = Mutex((now: 0, most: 0)) }

    @Test func workingMemoryNeverExceedsItsLimitAndLetsAHugeOneRunAlone() {
        let working = WorkingMemory(limitBytes: 10)
        let inside = Inside()
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            working.withReservation(i % 10 == 0 ? 100 : 3) {
                inside.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                usleep(200)
                inside.state.withLock { $0.now -= 1 }
            }
        }
        #expect(working.usage.peak <= 10)
        #expect(working.usage.now == 0)
        #expect(inside.state.withLock { $0.most } <= 3)
    }

    @Test func diskEvictionFollowsUseOrderWithoutScans() throws {
        let directory = try TemporaryDirectory("disk-order")
        let disk = try DiskTier(directory: directory.path, maxBytes: 10 * 1100, minFreeBytes: 0)
        for i in 0..<10 { disk.put("k\(i)", Array(repeating: UInt8(i), count: 1000)) }
        for _ in 0..<500 { _ = disk.get("k0") }  // many uses of one key must not grow state without bound
        disk.put("k10", Array(repeating: 10, count: 1000))
        #expect(disk.get("k0") != nil)   // used last: kept
        #expect(disk.get("k1") == nil)   // least recently used: evicted
        #expect(disk.stats.entries == 10)
    }

    /// A directory that cannot take files (here: replaced by a regular file, which fails for root too,
    /// where a chmod would not) costs the disk copy and is reported, and writes resume once it is back.
    @Test func anUnwritableDirectoryIsAProblemNotAFailure() throws {
        let directory = try TemporaryDirectory("disk-unwritable")
        let blocks = directory.path + "/blocks"
        let disk = try DiskTier(directory: blocks, maxBytes: 1 << 20, minFreeBytes: 0)
        try FileManager.default.removeItem(atPath: blocks)
        FileManager.default.createFile(atPath: blocks, contents: Data())
        disk.put("k", [1, 2, 3])
        #expect(disk.writeProblem?.reason.contains("cannot write") == true)
        #expect(disk.get("k") == nil)
        #expect(disk.stats.writeFailures == 1)
        try FileManager.default.removeItem(atPath: blocks)
        try FileManager.default.createDirectory(atPath: blocks, withIntermediateDirectories: false)
        disk.put("k", [1, 2, 3])
        #expect(disk.writeProblem == nil)
        #expect(disk.get("k") == [1, 2, 3])
    }

    @Test func aCorruptEntryReadTwiceIsCountedOnce() throws {
        let directory = try TemporaryDirectory("disk-corrupt")
        let disk = try DiskTier(directory: directory.path, maxBytes: 1 << 20, minFreeBytes: 0)
        disk.put("k", Array(repeating: 7, count: 4096))
        let file = disk.path(for: "k")
        let fd = open(file, O_WRONLY)
        _ = pwrite(fd, "XXXX", 4, 2000)
        close(fd)
        #expect(disk.get("k") == nil)
        #expect(disk.get("k") == nil)
        #expect(disk.stats.evictions[.corrupt] == 1)
    }
}
