@testable import Cache
import Foundation
import Testing

private func value(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var rng = LCG(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

private func bytes(of path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [] }

private func overwrite(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Ways to damage a stored file, each of which a read must catch.
enum Damage: String, CaseIterable, Sendable {
    case flippedValueByte, flippedKeyByte, flippedChecksum, truncated, extended, wrongMagic, wrongVersion, otherKey
}

@Suite struct DiskTierTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("disk-tier") }

    func open(maxBytes: Int = 1 << 20, subdirectory: String = "blocks") throws -> DiskTier {
        try DiskTier(directory: directory.path + "/" + subdirectory, maxBytes: maxBytes, minFreeBytes: 0)
    }

    @Test func valuesComeBackAsWritten() throws {
        let disk = try open()
        let stored = value(5000)
        disk.put("doc/1/v1/0", stored)
        disk.put("doc/1/v1/1", [])
        #expect(disk.get("doc/1/v1/0") == stored)
        #expect(disk.get("doc/1/v1/1") == [])
        #expect(disk.get("doc/1/v1/2") == nil)
        let stats = disk.stats
        #expect(stats.hits == 2 && stats.misses == 1 && stats.writes == 2 && stats.entries == 2)
        #expect(stats.bytes == (5000 + 24 + 10) + (24 + 10))  // header, key, value per file
        // A second put replaces the value and is counted once.
        disk.put("doc/1/v1/0", [1, 2, 3])
        #expect(disk.get("doc/1/v1/0") == [1, 2, 3])
        #expect(disk.stats.entries == 2 && disk.stats.bytes == (3 + 24 + 10) + (24 + 10))
        #expect(bytes(of: disk.path(for: "doc/1/v1/0")).count == 3 + 24 + 10)
    }

    @Test func filesArePrivate() throws {
        let disk = try open(subdirectory: "new/blocks")  // created by the tier
        disk.put("doc/7/v/0", value(100))
        #expect(permissions(disk.directory) == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: disk.directory)
        #expect(names.count == 1 && names.allSatisfy { $0.hasSuffix(".blk") })
        for name in names { #expect(permissions(disk.directory + "/" + name) == 0o600) }
    }

    @Test(arguments: Damage.allCases)
    func damagedFilesAreDroppedOnRead(_ damage: Damage) throws {
        let disk = try open()
        let key = "doc/1/v1/0", other = "doc/2/v1/0"
        let stored = value(1000)
        disk.put(key, stored)
        disk.put(other, value(1000, seed: 2))
        let file = disk.path(for: key)
        var contents = bytes(of: file)
        #expect(contents.count == 24 + key.utf8.count + 1000)
        switch damage {
        case .flippedValueByte: contents[contents.count - 500] ^= 0x01
        case .flippedKeyByte: contents[24 + 4] ^= 0x20
        case .flippedChecksum: contents[20] ^= 0x80
        case .truncated: contents.removeLast(100)
        case .extended: contents += [0]
        case .wrongMagic: contents[0] = UInt8(ascii: "X")
        case .wrongVersion: contents[4] = 2
        case .otherKey: contents = bytes(of: disk.path(for: other))  // a valid file, but for another key
        }
        try overwrite(file, contents)
        #expect(disk.get(key) == nil)
        #expect(!exists(file))
        let stats = disk.stats
        #expect(stats.evictions[.corrupt] == 1)
        #expect(stats.entries == 1 && stats.bytes == 24 + other.utf8.count + 1000)
        #expect(stats.misses == 1 && stats.hits == 0)
        #expect(disk.get(key) == nil)  // now simply absent
        #expect(disk.stats.evictions[.corrupt] == 1)
        #expect(disk.get(other) == value(1000, seed: 2))
    }

    @Test func reopeningRemovesTemporariesAndCorruptFilesAndIndexesTheRest() throws {
        let keys = (0..<4).map { "doc/\($0)/v1/0" }
        var paths: [String] = []
        do {
            let disk = try open()
            for (index, key) in keys.enumerated() { disk.put(key, value(300, seed: UInt64(index))) }
            paths = keys.map(disk.path(for:))
        }
        let blocks = directory.path + "/blocks"
        try directory.write("blocks/" + (paths[0] as NSString).lastPathComponent + ".tmp12345", value(50))  // a crashed write
        try directory.write("blocks/stray", [1, 2, 3])
        var truncated = bytes(of: paths[1])
        truncated.removeLast(10)
        try overwrite(paths[1], truncated)
        var badMagic = bytes(of: paths[2])
        badMagic[1] = 0
        try overwrite(paths[2], badMagic)
        try directory.write("blocks/0123abcd.blk", Array("RCFS".utf8))  // a header cut short

        let disk = try open()
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocks).sorted()
            == [paths[0], paths[3]].map { ($0 as NSString).lastPathComponent }.sorted())
        let stats = disk.stats
        #expect(stats.evictions[.corrupt] == 3)
        #expect(stats.entries == 2 && stats.bytes == 2 * (24 + keys[0].utf8.count + 300))
        #expect(disk.get(keys[0]) == value(300, seed: 0))
        #expect(disk.get(keys[3]) == value(300, seed: 3))
        #expect(disk.get(keys[1]) == nil && disk.get(keys[2]) == nil)
    }

    @Test func theLeastRecentlyUsedEntryLeavesFirst() throws {
        let entry = 24 + 2 + 100  // header, a two-byte key, the value
        let disk = try open(maxBytes: 3 * entry)
        for key in ["k0", "k1", "k2"] { disk.put(key, value(100)) }
        #expect(disk.stats.entries == 3 && disk.stats.bytes == 3 * entry)
        #expect(disk.get("k0") != nil)  // k1 is now the least recently used
        disk.put("k3", value(100))
        #expect(disk.stats.bytes <= 3 * entry)
        #expect(disk.stats.evictions[.capacity] == 1)
        #expect(!exists(disk.path(for: "k1")))
        #expect(disk.get("k1") == nil)
        #expect(disk.get("k0") != nil && disk.get("k2") != nil && disk.get("k3") != nil)
        // k0 was used before k2 and k3 were: it goes next.
        disk.put("k4", value(100))
        #expect(disk.get("k0") == nil && disk.get("k4") != nil)
        // A value larger than the whole tier is not written at all.
        disk.put("k5", value(3 * entry))
        #expect(disk.get("k5") == nil && !exists(disk.path(for: "k5")))
        #expect(disk.stats.entries == 3 && disk.stats.bytes <= 3 * entry)
    }

    @Test func reopeningASmallerTierTrimsIt() throws {
        do {
            let disk = try open()
            for index in 0..<10 { disk.put("doc/\(index)/v/0", value(1000)) }
        }
        let disk = try open(maxBytes: 3 * (24 + 9 + 1000))
        #expect(disk.stats.entries == 3 && disk.stats.bytes <= disk.maxBytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.directory).count == 3)
    }

    @Test func removingAPrefixRemovesOnlyThatDocument() throws {
        let disk = try open()
        let doomed = ["doc/1/v1/0", "doc/1/v1/1", "doc/1/info"]
        let kept = ["doc/12/v1/0", "doc/2/v1/0", "doc/10/info"]
        for key in doomed + kept { disk.put(key, value(64)) }
        disk.remove(prefix: "doc/1/")
        for key in doomed {
            #expect(disk.get(key) == nil)
            #expect(!exists(disk.path(for: key)))
        }
        for key in kept { #expect(disk.get(key) == value(64)) }
        #expect(disk.stats.evictions[.invalidated] == 3)
        #expect(disk.stats.entries == 3 && disk.stats.bytes == kept.reduce(0) { $0 + 24 + $1.utf8.count + 64 })
    }

    @Test func aZeroSizedTierStoresNothing() throws {
        let disk = try open(maxBytes: 0)
        disk.put("doc/1/v/0", value(10))
        disk.put("doc/1/v/1", [])
        #expect(disk.get("doc/1/v/0") == nil && disk.get("doc/1/v/1") == nil)
        #expect(disk.stats.writes == 0 && disk.stats.entries == 0 && disk.stats.bytes == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.directory).isEmpty)
    }

    /// BUG: `DiskTier.parse` converts the value length with `Int(UInt64)`, which traps when the top bit is
    /// set, so one flipped bit in header byte 19 crashes the process (in `init` and in `get`) instead of
    /// dropping the file ("Fatal error: Not enough bits to represent the passed value", SIGILL). Run in a
    /// child process so the crash fails only this test.
    @Test func aFlippedTopBitInTheValueLengthIsDroppedNotACrash() async {
        let path = directory.path + "/blocks"  // removed by this (parent) process whatever the child does
        await #expect(processExitsWith: .success) { [path = path as String] in
            let disk = try DiskTier(directory: path, maxBytes: 1 << 20, minFreeBytes: 0)
            disk.put("doc/1/v/0", [1, 2, 3])
            let file = disk.path(for: "doc/1/v/0")
            var contents = [UInt8](FileManager.default.contents(atPath: file)!)
            contents[19] ^= 0x80  // the most significant byte of the little-endian UInt64 value length
            try Data(contents).write(to: URL(fileURLWithPath: file))
            guard disk.get("doc/1/v/0") == nil, !FileManager.default.fileExists(atPath: file) else { exit(2) }
            try Data(contents).write(to: URL(fileURLWithPath: file))
            let reopened = try DiskTier(directory: path, maxBytes: 1 << 20, minFreeBytes: 0)
            guard reopened.stats.entries == 0, reopened.stats.evictions[.corrupt] == 1 else { exit(3) }
        }
    }

    /// BUG: on open, two files whose headers carry the same key (a file copied over another's name, which
    /// `get` treats as corrupt) are both added to `bytes` but only one is indexed, so the byte count stays
    /// too high for good (even with no entries left) and the other file is never deleted.
    @Test func reopeningCountsEachKeyOnce() throws {
        let a = "doc/1/v1/0", b = "doc/2/v1/0"
        do {
            let disk = try open()
            disk.put(a, value(500))
            disk.put(b, value(500, seed: 2))
            try overwrite(disk.path(for: b), bytes(of: disk.path(for: a)))  // b's file now holds a's header
        }
        let disk = try open()
        #expect(disk.get(a) == value(500))
        #expect(disk.stats.bytes == disk.stats.entries * (24 + a.utf8.count + 500))
        disk.remove(prefix: "doc/")
        #expect(disk.stats.entries == 0)
        #expect(disk.stats.bytes == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.directory).isEmpty)
    }
}
