@testable import Cache
import Foundation
import Testing

private func chunk(_ document: Int64, _ index: Int, version: String = "v1") -> CacheKey {
    .chunk(document: document, version: version, index: index)
}

private func payload(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var rng = LCG(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

private func bytes(_ value: CacheValue?) -> [UInt8]? {
    if case .bytes(let bytes)? = value { return bytes }
    return nil
}

private func info(_ value: CacheValue?) -> RenderedInfo? {
    if case .rendered(let info)? = value { return info }
    return nil
}

@Suite struct TieredCacheTests {
    let directory: TemporaryDirectory
    var blocks: String { directory.path + "/blocks" }
    init() throws { directory = try TemporaryDirectory("tiered-cache") }

    /// 1 MiB of memory (entries up to 128 KiB), 64 MiB of disk, 64 KiB chunks.
    static let configuration: CacheConfiguration = {
        var c = CacheConfiguration()
        c.memoryBytes = 1 << 20
        c.diskBytes = 64 << 20
        c.minFreeDiskBytes = 0
        c.chunkBytes = 64 << 10
        return c
    }()

    func open(_ configuration: CacheConfiguration = Self.configuration) throws -> TieredCache {
        try TieredCache(configuration: configuration, diskDirectory: blocks)
    }

    func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: blocks)) ?? [] }

    @Test func aReadChunkEvictedByPressureIsDemotedAndComesBack() throws {
        let cache = try open()
        let data = payload(10_000)
        cache.put(chunk(1, 0), .bytes(data))
        #expect(cache.disk?.stats.entries == 0)  // admitted to memory: not written to disk
        #expect(bytes(cache.get(chunk(1, 0))) == data)
        cache.memory.setTarget(0)
        #expect(cache.memory.stats.entries == 0)
        #expect(cache.demotions == 1)
        #expect(cache.disk?.stats.entries == 1 && files().count == 1)
        cache.memory.setTarget(Self.configuration.memoryBytes)
        #expect(bytes(cache.get(chunk(1, 0))) == data)
        #expect(cache.promotions == 1)
        #expect(cache.memory.stats.entries == 1)  // promoted back into memory…
        #expect(bytes(cache.get(chunk(1, 0))) == data)
        #expect(cache.promotions == 1 && cache.disk?.stats.hits == 1)  // …and served from there next time
    }

    @Test func aReadChunkPushedOutByNewerReadChunksIsDemoted() throws {
        let cache = try open()
        let data = payload(50_000)
        cache.put(chunk(1, 0), .bytes(data))
        _ = cache.get(chunk(1, 0))
        for index in 0..<40 {  // 2 MB of other chunks, each read once (so they go to main too)
            cache.put(chunk(2, index), .bytes(payload(50_000, seed: UInt64(index + 10))))
            _ = cache.get(chunk(2, index))
        }
        #expect(cache.memory.stats.bytes <= Self.configuration.memoryBytes)
        #expect(cache.memory.get(chunk(1, 0)) == nil)
        #expect(cache.demotions >= 1 && cache.memory.stats.evictions[.capacity, default: 0] >= 1)
        #expect(bytes(cache.get(chunk(1, 0))) == data)
        #expect(cache.promotions == 1)
    }

    @Test func whatWasNeverReadIsNotDemoted() throws {
        let cache = try open()
        cache.put(chunk(1, 0), .bytes(payload(10_000)))
        let small = RenderedInfo(version: "v1", name: "1-notes.md", libraryID: 1, size: 900, modified: 0, changed: 0)
        cache.put(.rendered(1), .rendered(small))
        _ = cache.get(.rendered(1))  // read, but not chunk bytes: memory only
        cache.memory.setTarget(0)
        #expect(cache.demotions == 0)
        #expect(cache.disk?.stats.entries == 0 && files().isEmpty)
        cache.memory.setTarget(Self.configuration.memoryBytes)
        #expect(cache.get(chunk(1, 0)) == nil && cache.get(.rendered(1)) == nil)
        #expect(cache.promotions == 0)
    }

    @Test func aChunkOverAnEighthOfMemoryGoesStraightToDisk() throws {
        let cache = try open()
        let data = payload((128 << 10) + 1)
        cache.put(chunk(3, 0), .bytes(data))
        #expect(cache.memory.stats.entries == 0 && cache.memory.stats.admissionRejects == 1)
        #expect(cache.disk?.stats.entries == 1)
        #expect(bytes(cache.get(chunk(3, 0))) == data)
        #expect(cache.promotions == 1)
        #expect(cache.memory.stats.entries == 0)  // still too large for memory
        #expect(bytes(cache.get(chunk(3, 0))) == data)
        #expect(cache.disk?.stats.hits == 2)
    }

    @Test func criticalPressureShrinksMemoryAndRefusesLargeEntries() throws {
        let cache = try open()
        let large = payload(100 << 10)  // under 1/8 of memory, over 64 KiB
        cache.put(chunk(1, 0), .bytes(large))
        #expect(cache.memory.stats.entries == 1 && cache.disk?.stats.entries == 0)

        cache.apply(.moderate)
        #expect(cache.memory.target == 768 << 10 && cache.level == .moderate)
        cache.apply(.high)
        #expect(cache.memory.target == 512 << 10)
        cache.apply(.critical)
        #expect(cache.level == .critical && cache.trims == 1)
        #expect(cache.memory.target == 256 << 10)  // 25% of the budget
        #expect(cache.memory.stats.bytes <= 256 << 10)

        let rejects = cache.memory.stats.admissionRejects
        cache.put(chunk(1, 1), .bytes(large))
        #expect(cache.memory.stats.admissionRejects == rejects + 1)
        #expect(cache.memory.get(chunk(1, 1)) == nil)
        #expect(cache.disk?.stats.entries == 1)  // a chunk: kept on disk instead
        #expect(bytes(cache.get(chunk(1, 1))) == large)
        #expect(cache.memory.get(chunk(1, 1)) == nil)  // promotion is refused too

        let bigInfo = RenderedInfo(version: "v1", name: String(repeating: "n", count: 70 << 10), libraryID: 1,
                                   size: 1000, modified: 0, changed: 0)
        cache.put(.rendered(2), .rendered(bigInfo))  // not a chunk, single-chunk document: nowhere to go
        #expect(cache.get(.rendered(2)) == nil)

        let small = payload(10_000)
        cache.put(chunk(1, 2), .bytes(small))  // small entries are still welcome
        #expect(bytes(cache.memory.get(chunk(1, 2))) == small)

        cache.apply(.normal)
        #expect(cache.level == .normal && cache.memory.target == 1 << 20 && cache.trims == 1)
        let disked = cache.disk?.stats.entries
        cache.put(chunk(1, 3), .bytes(large))
        #expect(bytes(cache.memory.get(chunk(1, 3))) == large)
        #expect(cache.disk?.stats.entries == disked)
        cache.put(.rendered(2), .rendered(bigInfo))
        #expect(info(cache.get(.rendered(2))) == bigInfo)
    }

    @Test func removingADocumentClearsBothTiers() throws {
        let cache = try open()
        let big = (128 << 10) + 1
        let documents: [Int64] = [1, 12]  // "doc/1/" must not match "doc/12/"
        for document in documents {  // read, then demoted to disk
            cache.put(chunk(document, 2), .bytes(payload(2000)))
            _ = cache.get(chunk(document, 2))
        }
        cache.memory.setTarget(0)
        cache.memory.setTarget(1 << 20)
        #expect(cache.demotions == 2)
        for document in documents {
            cache.put(chunk(document, 0), .bytes(payload(1000)))   // memory
            cache.put(chunk(document, 1), .bytes(payload(big)))    // disk
            cache.put(.rendered(document), .rendered(RenderedInfo(version: "v1", name: "\(document).md", libraryID: 1,
                                                                  size: 3 << 16, modified: 0, changed: 0)))  // both
        }
        #expect(cache.memory.stats.entries == 4)
        #expect(cache.disk?.stats.entries == 6 && files().count == 6)

        cache.removeDocument(1)
        #expect(cache.memory.stats.entries == 2 && cache.memory.stats.evictions[.invalidated] == 2)
        #expect(cache.disk?.stats.entries == 3 && files().count == 3)
        #expect(cache.disk?.stats.evictions[.invalidated] == 3)
        for key in [chunk(1, 0), chunk(1, 1), chunk(1, 2), .rendered(1)] { #expect(cache.get(key) == nil, "\(key)") }
        #expect(bytes(cache.get(chunk(12, 0))) == payload(1000))
        #expect(bytes(cache.get(chunk(12, 1))) == payload(big))
        #expect(bytes(cache.get(chunk(12, 2))) == payload(2000))
        #expect(info(cache.get(.rendered(12)))?.name == "12.md")
    }

    @Test func aMultiChunkDocumentsInfoOutlivesTheProcess() throws {
        let large = RenderedInfo(version: "v7", name: "5-report.md", libraryID: 3, size: 200_000,
                                 modified: 1_768_469_400, changed: 1_768_469_500)
        let single = RenderedInfo(version: "v1", name: "6-note.md", libraryID: 3, size: 100, modified: 1, changed: 2)
        let data = payload((128 << 10) + 1)
        do {
            let cache = try open()
            cache.put(.rendered(5), .rendered(large))
            cache.put(.rendered(6), .rendered(single))
            cache.put(chunk(5, 0, version: "v7"), .bytes(data))
        }
        let cache = try open()  // a remount: memory is empty, the disk tier is indexed again
        #expect(cache.memory.stats.entries == 0 && cache.disk?.stats.entries == 2)
        #expect(info(cache.get(.rendered(5))) == large)
        #expect(bytes(cache.get(chunk(5, 0, version: "v7"))) == data)
        #expect(cache.get(chunk(5, 0, version: "v8")) == nil)  // another version is another key
        #expect(cache.get(.rendered(6)) == nil)  // a single chunk's info is memory only
        #expect(cache.promotions == 2)
        #expect(info(cache.memory.get(.rendered(5))) == large)
    }

    @Test func withoutADiskDirectoryOnlyMemoryIsUsed() throws {
        let cache = try TieredCache(configuration: Self.configuration, diskDirectory: nil)
        #expect(cache.disk == nil)
        cache.put(chunk(1, 0), .bytes(payload((128 << 10) + 1)))
        #expect(cache.get(chunk(1, 0)) == nil)
        var noDisk = Self.configuration
        noDisk.diskBytes = 0
        #expect(try open(noDisk).disk == nil)
        #expect(!FileManager.default.fileExists(atPath: blocks))
    }

    @Test func presets() throws {
        let dev = try #require(CacheConfiguration.preset("dev"))
        let prod = try #require(CacheConfiguration.preset("prod"))
        let constrained = try #require(CacheConfiguration.preset("constrained"))
        let standard = try #require(CacheConfiguration.preset("default"))
        #expect([dev, prod, constrained, standard].map(\.preset) == ["dev", "prod", "constrained", "default"])
        #expect(standard.memoryBytes == CacheConfiguration().memoryBytes)
        #expect(constrained.memoryBytes < dev.memoryBytes && dev.memoryBytes < prod.memoryBytes)
        #expect(constrained.diskBytes < dev.diskBytes && dev.diskBytes < prod.diskBytes)
        #expect(constrained.policy.usedThresholds.first! < PressurePolicy().usedThresholds.first!)
        #expect(constrained.policy.targetFractions.count == PressureLevel.allCases.count)
        #expect(CacheConfiguration.preset("huge") == nil && CacheConfiguration.preset("") == nil)
        #expect(CacheConfiguration.preset("Dev") == nil)
    }
}
