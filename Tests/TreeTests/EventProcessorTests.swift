import Cache
import Foundation
import Store
import Synchronization
import Testing
import TestSupport
@testable import Tree

private let base: Int64 = 1_768_469_400

private func entity(_ id: Int64, _ text: String, version: String = "v1") -> Entity {
    Entity(summary: EntitySummary(id: id, libraryID: 1, filename: "shot-\(id).webp", createdAt: base + id * 60,
                                  app: "Firefox", version: version),
           filepath: "/screens/shot-\(id).webp", size: 100, fileType: "webp", fileTypeGroup: "image",
           lastModifiedAt: base, lastScanAt: base, tags: [],
           metadata: [MetadataEntry(key: "ocr_result", value: text, source: "ocr", dataType: "text")])
}

private let libraries = [Library(id: 1, name: "screenshots", kind: "record")]

/// A change feed that answers with scripted batches (or errors), one per poll, then nothing.
final class ScriptedFeed: ChangeFeed {
    let name: String
    private let script: Mutex<[Result<[ChangeEvent], StoreError>]>
    private let count = Mutex(0)
    init(_ name: String, _ script: [Result<[ChangeEvent], StoreError>]) {
        self.name = name
        self.script = Mutex(script)
    }
    var polls: Int { count.withLock { $0 } }
    func poll() throws -> [ChangeEvent] {
        count.withLock { $0 += 1 }
        let next = script.withLock { $0.isEmpty ? .success([]) : $0.removeFirst() }
        return try next.get()
    }
}

/// Records what the tree tells the kernel.
final class RecordingNotifier: KernelNotifier {
    enum Call: Equatable { case inode(UInt64), entry(UInt64, String) }
    private let log = Mutex<[Call]>([])
    var calls: [Call] { log.withLock { $0 } }
    func invalidateInode(_ inode: UInt64) { log.withLock { $0.append(.inode(inode)) } }
    func invalidateEntry(parent: UInt64, name: String) { log.withLock { $0.append(.entry(parent, name)) } }
}

private func event(_ kind: ChangeEvent.Kind, _ id: Int64, _ source: String = "api") -> ChangeEvent {
    ChangeEvent(kind: kind, id: id, at: Date(timeIntervalSince1970: 0), source: source)
}

/// Names in a query directory, read as `ls` would.
private func listQuery(_ fs: RecallFileSystem, _ query: String) throws -> [String] {
    let inode = try fs.lookup(parent: Node.search.inode, name: query).inode
    let handle = try fs.openDirectory(inode)
    defer { fs.releaseDirectory(handle: handle) }
    return try fs.readDirectory(inode, handle: handle, after: 0, count: 1_000, plus: false).map(\.name).filter { $0 != "." && $0 != ".." }
}

@Suite struct EventProcessorTests {
    let mock = MockDocumentStore(libraries: libraries, entities: [entity(1, "budget one"), entity(2, "budget two"), entity(3, "lunch")])
    let fs: RecallFileSystem
    init() { fs = RecallFileSystem(store: mock, board: StatusBoard(), savedQueries: nil) }

    // MARK: - Deduplication

    @Test func deduplicateKeepsOneEventPerIDByPriority() {
        let events = [event(.updated, 1), event(.added, 2), event(.updated, 3), event(.added, 1), event(.removed, 2),
                      event(.updated, 2), event(.updated, 1, "sqlite"), event(.removed, 4), event(.added, 4)]
        let unique = EventProcessor.deduplicate(events)
        #expect(unique.map(\.id) == [1, 2, 3, 4])  // first-seen order
        #expect(unique.map(\.kind) == [.added, .removed, .updated, .removed])
    }

    @Test func deduplicateKeepsTheFirstOfEqualWeight() {
        let unique = EventProcessor.deduplicate([event(.updated, 7, "api"), event(.updated, 7, "sqlite")])
        #expect(unique == [event(.updated, 7, "api")])
        #expect(EventProcessor.deduplicate([]).isEmpty)
    }

    // MARK: - Polling

    @Test func firstPollIsASilentBaseline() throws {
        let feed = ScriptedFeed("api", [.success([event(.added, 4)]), .success([event(.added, 4)])])
        let processor = EventProcessor(feeds: [feed], tree: fs)
        #expect(processor.isHealthy)  // nothing polled yet
        let before = try listQuery(fs, "budget")
        mock.put(entity(4, "budget four"))
        #expect(processor.pollOnce().isEmpty)
        #expect(try listQuery(fs, "budget") == before)  // the baseline dropped nothing
        var stats = processor.stats
        #expect(stats.polls == 1 && stats.processed == 0 && stats.failed == 0 && stats.recent.isEmpty)
        #expect(stats.lastPollAt != nil && stats.feedOK == ["api": true])

        #expect(processor.pollOnce().map(\.id) == [4])
        let after = try listQuery(fs, "budget")
        #expect(after.count == 3 && after != before)
        #expect(after.first.flatMap(FileNaming.resultID) == 4)
        stats = processor.stats
        #expect(stats.polls == 2 && stats.processed == 1 && stats.recent.map(\.id) == [4])
    }

    @Test func laterPollsApplyEventsFromEveryFeed() throws {
        let api = ScriptedFeed("api", [.success([]), .success([event(.added, 5), event(.updated, 1)])])
        let sqlite = ScriptedFeed("sqlite", [.success([]), .success([event(.added, 5, "sqlite"), event(.removed, 3, "sqlite")])])
        let processor = EventProcessor(feeds: [api, sqlite], tree: fs)
        processor.pollOnce()
        #expect(try listQuery(fs, "lunch").count == 1)
        mock.remove(id: 3)
        #expect(try listQuery(fs, "lunch").count == 1)  // cached until an event says otherwise
        let applied = processor.pollOnce()
        #expect(applied.map(\.id) == [5, 1, 3])
        #expect(applied.map(\.source) == ["api", "api", "sqlite"])
        #expect(processor.stats.processed == 3)
        #expect(try listQuery(fs, "lunch").isEmpty)
        #expect(api.polls == 2 && sqlite.polls == 2)
        #expect(processor.pollOnce().isEmpty)  // nothing new
        #expect(processor.stats.processed == 3 && processor.stats.polls == 3)
    }

    @Test func failingFeedsAreCountedAndHealthNeedsOneWorkingFeed() {
        let broken = ScriptedFeed("api", [.failure(.unavailable("refused")), .failure(.unavailable("refused"))])
        let working = ScriptedFeed("sqlite", [.success([]), .success([event(.updated, 2, "sqlite")])])
        let processor = EventProcessor(feeds: [broken, working], tree: fs)
        processor.pollOnce()
        #expect(processor.stats.failed == 1)
        #expect(processor.stats.lastError?.contains("refused") == true && processor.stats.lastErrorAt != nil)
        #expect(processor.stats.lastError?.hasPrefix("api") == true)
        #expect(processor.isHealthy)
        #expect(processor.pollOnce().map(\.id) == [2])  // the working feed still delivers
        #expect(processor.stats.failed == 2 && processor.stats.processed == 1)
        #expect(processor.stats.feedOK == ["api": false, "sqlite": true])
    }

    @Test func everyFeedFailingIsUnhealthy() {
        let feed = ScriptedFeed("api", [.failure(.failed("HTTP 500")), .success([])])
        let processor = EventProcessor(feeds: [feed], tree: fs)
        processor.pollOnce()
        #expect(!processor.isHealthy)
        #expect(processor.stats.failed == 1 && processor.stats.polls == 1)
        processor.pollOnce()
        #expect(processor.isHealthy)  // recovered at its last poll
        #expect(processor.stats.failed == 1)
    }

    @Test func recentEventsAreBounded() {
        let batches: [Result<[ChangeEvent], StoreError>] = [.success([])] + (0..<3).map { round in
            .success((0..<30).map { event(.updated, Int64(round * 100 + $0)) })
        }
        let processor = EventProcessor(feeds: [ScriptedFeed("api", batches)], tree: fs)
        for _ in 0..<4 { processor.pollOnce() }
        #expect(processor.stats.processed == 90)
        #expect(processor.stats.recent.count == EventProcessor.keptEvents)
        #expect(processor.stats.recent.last?.id == 229)
    }

    @Test func eventsAlsoDropTheResultListsAndTheAPIPrefetch() throws {
        // The daemon's chain: caching → failover → API, so an event reaches the API's prefetch through it.
        let api = FaultInjectingStore(base: mock)
        let failover = FailoverStore(api: api, local: nil, budget: 2)
        let cache = CachingStore(failover, cache: try TieredCache(configuration: CacheConfiguration(), diskDirectory: nil))
        let tree = RecallFileSystem(store: cache, board: StatusBoard(), savedQueries: nil)
        let processor = EventProcessor(feeds: [ScriptedFeed("api", [.success([]), .success([event(.added, 4)])])], tree: tree)
        processor.pollOnce()
        #expect(try listQuery(tree, "budget").count == 2)
        mock.put(entity(4, "budget four"))
        #expect(try listQuery(tree, "budget").count == 2)  // the result list is cached until the event
        processor.pollOnce()
        #expect(try listQuery(tree, "budget").count == 3)
        #expect(api.forgotten == [4])
    }

    // MARK: - Kernel notifications

    @Test func updatedAndRemovedDocumentsInvalidateTheirInode() throws {
        let notifier = RecordingNotifier()
        fs.attach(notifier: notifier)
        let summary = try #require(try mock.entitySummary(id: 1))
        let name = FileNaming.documentName(summary)
        _ = try fs.lookup(parent: Node.documents.inode, name: name)  // rendered and cached
        fs.notifyKernel(fs.invalidate([event(.updated, 1), event(.removed, 2), event(.added, 4)]))
        let calls = notifier.calls
        #expect(calls.contains(.inode(Node.document(1).inode)))
        #expect(calls.contains(.inode(Node.document(2).inode)))
        #expect(!calls.contains(.inode(Node.document(4).inode)))  // nothing cached about a new one
        #expect(calls.contains(.entry(Node.documents.inode, name)))
        #expect(calls.contains(.entry(Node.library(1).inode, name)))
        #expect(calls.last == .inode(Node.documents.inode))
    }

    @Test func cachedQueryResultsAreInvalidatedEntryByEntry() throws {
        let notifier = RecordingNotifier()
        fs.attach(notifier: notifier)
        let names = try listQuery(fs, "budget")
        #expect(names.count == 2)
        let query = try fs.lookup(parent: Node.search.inode, name: "budget").inode
        fs.notifyKernel(fs.invalidate([event(.added, 9)]))
        let calls = notifier.calls
        #expect(calls.contains(.inode(query)))
        for name in names { #expect(calls.contains(.entry(query, name)), "\(name)") }
        // Dropped once: the next change has no cached results to announce.
        fs.notifyKernel(fs.invalidate([event(.added, 10)]))
        #expect(notifier.calls.count == calls.count + 1)  // only documents/
        #expect(notifier.calls.last == .inode(Node.documents.inode))
    }

    @Test func applyWithoutANotifierStillDropsCaches() throws {
        #expect(try listQuery(fs, "lunch").count == 1)
        mock.put(entity(5, "lunch again"))
        fs.notifyKernel(fs.invalidate([event(.added, 5)]))
        #expect(try listQuery(fs, "lunch").count == 2)
    }
}
