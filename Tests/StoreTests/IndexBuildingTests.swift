import Foundation
@testable import Store
import Testing
import TestSupport

/// While the first build runs, a search waits a short, bounded time and then answers EAGAIN (busy) with
/// the build's progress, instead of holding a FUSE worker for a minute.
@Suite struct IndexBuildingTests {
    @Test func aSearchBeforeTheFirstBuildIsBusyWithProgress() throws {
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("index.sqlite"), source: "x", readyWait: 0.2)
        var request = SearchRequest()
        request.words = ["budget"]
        request.limit = 10
        do {
            _ = try index.search(request, libraryIDs: [])
            Issue.record("answered before the index was built")
        } catch StoreError.busy(let reason) {
            #expect(reason.hasPrefix("index building"))
        }
        try index.synchronize(from: MockDocumentStore(entities: [mockEntity(1)]))
        #expect(index.syncState.ready && index.syncState.building == nil)
        _ = try index.search(request, libraryIDs: [])
    }

    /// Two searches wait for the build; the others are answered busy at once. Ordering, not timing:
    /// the waiters block (the wait is long) until the build finishes, so if more than two waited, fewer
    /// than four could be busy by then.
    @Test func atMostTwoSearchesWaitAtOnce() throws {
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("index.sqlite"), source: "x", readyWait: 600)
        var words = SearchRequest()
        words.words = ["x"]
        let request = words
        let busy = Counter(), answered = Counter()
        let group = DispatchGroup()
        for _ in 0..<6 {  // threads of their own, as FUSE workers are (a dispatch pool would run two at a time)
            group.enter()
            Thread {
                do { _ = try index.search(request, libraryIDs: []); answered.add() } catch { busy.add() }
                group.leave()
            }.start()
        }
        // The four turned away come back while the build has not even started (a hang guard only).
        for _ in 0..<6_000 where busy.value < 4 { usleep(10_000) }
        #expect(busy.value == 4 && answered.value == 0)
        try index.synchronize(from: MockDocumentStore(entities: [mockEntity(1)]))
        group.wait()
        #expect(busy.value == 4 && answered.value == 2)  // the two waiters got their answer
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
