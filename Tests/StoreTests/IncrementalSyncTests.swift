import Foundation
@testable import Store
import Testing
import TestSupport

/// After the first full comparison, a sync looks at the newest entities, a slice of the older ones
/// (round and round), and ids only when something was removed, and still sees every kind of change.
@Suite struct IncrementalSyncTests {
    let f: PensieveFixture
    let index: SearchIndex
    let store: PensieveSQLiteStore
    var ids: [Int64] = []

    init() throws {
        f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        for n in 1...10 {
            ids.append(try f.addEntity(library: library, filepath: "/s/\(n).png", created: "2026-01-\(10 + n) 08:00:00.000000",
                                       metadata: [Meta(key: "ocr_result", value: "word\(n)")]))
        }
        index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path)
        store = try f.openStore(index: index)
        index.progress.withLock { $0.tailRows = 2; $0.sweepRows = 3 }
    }

    private func hits(_ word: String) throws -> [Int64] {
        var request = SearchRequest()
        request.words = [word]
        return try index.search(request, libraryIDs: []).map(\.id)
    }

    @Test func changesAnywhereAreSeenWithoutAFullWalk() throws {
        let first = try index.synchronizeReportingChanges(from: store)
        #expect(first.firstBuild && first.state.added == 10)
        #expect(first.added.isEmpty)  // the first build of an empty index is counted, not announced id by id
        #expect(index.progress.withLock { $0.verified })

        // An old entity (outside the newest two) changes: the sweep's first slice (ids 1-3) sees it.
        try f.setMetadata(ids[0], key: "ocr_result", value: "changedword", updated: "2026-03-05 00:00:00")
        var changes = try index.synchronizeReportingChanges(from: store)
        #expect(changes.updated == [ids[0]])
        #expect(try hits("changedword") == [ids[0]])
        #expect(index.progress.withLock { $0.sweepAfter } == ids[2])

        // A new capture is in the tail.
        let new = try f.addEntity(library: 2, filepath: "/s/new.png", created: "2026-02-01 08:00:00.000000",
                                  metadata: [Meta(key: "ocr_result", value: "freshword")])
        changes = try index.synchronizeReportingChanges(from: store)
        #expect(changes.added == [new])
        #expect(try hits("freshword") == [new])

        // A removal behind the sweep's cursor: the count tells, an id-only pass finds it.
        try f.deleteEntity(ids[1])
        changes = try index.synchronizeReportingChanges(from: store)
        #expect(changes.removed.contains(ids[1]))
        #expect(try hits("word2").isEmpty)
        #expect(index.syncState.documents == 10)
    }

    @Test func theChangeTokenMovesOnlyWithACommit() throws {
        let before = try #require(store.changeToken())
        #expect(store.changeToken() == before)
        try f.setMetadata(ids[3], key: "ocr_result", value: "other", updated: "2026-03-05 00:00:00")
        let after = try #require(store.changeToken())
        #expect(after != before && after.isSameFile(as: before))
    }

    /// A database moved away and back, unchanged: the sync that failed meanwhile left an error, and
    /// the next sync (same file, same token as the last good one) clears it: the index is current.
    /// (Health stayed `down` until the database changed.)
    @Test func aDatabaseBackUnchangedClearsTheSyncError() throws {
        try index.synchronize(from: store)
        try index.synchronize(from: store)  // incremental from here on
        let moved = f.path + ".away"
        #expect(rename(f.path, moved) == 0)
        store.checkFile(force: true)
        #expect(throws: (any Error).self) { try index.synchronize(from: store) }
        #expect(index.syncState.lastError != nil)
        #expect(rename(moved, f.path) == 0)
        store.checkFile(force: true)
        try index.synchronize(from: store)
        #expect(index.syncState.lastError == nil)
        #expect(try hits("word3").count == 1)
    }
}
