import Cache
import Foundation
import Testing

/// The access trace that `bench/cache-bench.sh` replays through `cachesim`: buffered, and complete
/// once flushed (the daemon flushes at unmount).
@Suite struct CacheTraceTests {
    @Test func everyGetAndPutIsInTheTraceAfterAFlush() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = CacheConfiguration()
        configuration.tracePath = path
        let cache = TieredCache.memoryOnly(configuration)
        cache.put(.rendered(7), .bytes([1, 2, 3]))
        _ = cache.get(.rendered(7))
        _ = cache.get(.entity(9))
        cache.flushTrace()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("P rendered/7 ") == true)
        #expect(lines.dropFirst().map(String.init) == ["G rendered/7", "G entity/9"])
    }
}
