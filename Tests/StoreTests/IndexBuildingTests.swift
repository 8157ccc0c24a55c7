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
        let started = Date()
        do {
            _ = try index.search(request, libraryIDs: [])
            Issue.record("answered before the index was built")
        } catch StoreError.busy(let reason) {
            #expect(reason.hasPrefix("index building"))
        }
        #expect(Date().timeIntervalSince(started) < 5)
        try index.synchronize(from: MockDocumentStore(entities: [mockEntity(1)]))
        #expect(index.syncState.ready && index.syncState.building == nil)
        _ = try index.search(request, libraryIDs: [])
    }

    @Test func atMostTwoSearchesWaitAtOnce() throws {
        let temp = try TempDirectory()
        let index = try SearchIndex(path: temp.path("index.sqlite"), source: "x", readyWait: 1.5)
        var words = SearchRequest()
        words.words = ["x"]
        let request = words
        let quick = Counter()
        let group = DispatchGroup()
        for _ in 0..<6 {  // threads of their own, as FUSE workers are (a dispatch pool would run two at a time)
            group.enter()
            Thread {
                let started = Date()
                _ = try? index.search(request, libraryIDs: [])
                if Date().timeIntervalSince(started) < 1 { quick.add() }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(quick.value >= 4)  // the ones past the two waiters are answered at once
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
