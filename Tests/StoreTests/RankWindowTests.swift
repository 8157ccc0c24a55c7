import Foundation
import Store
import Testing
import TestSupport

/// Past `rankWindow` matches, bm25 ranks the most recent `rankWindow` of them; filters that leave
/// too few of those make it rank every match.
@Suite struct RankWindowTests {
    @Test func commonWordsRankTheRecentMatches() throws {
        let f = try PensieveFixture()
        let library = try f.addLibrary("screenshots")
        // The oldest capture says "common" most often (the best bm25 over all), then 20 plain ones.
        let oldest = try f.addEntity(library: library, filepath: "/s/0.png", created: "2026-01-01 08:00:00.000000", app: "Slack",
                                     metadata: [Meta(key: "ocr_result", value: "common common common common")])
        var recent: [Int64] = []
        for n in 1...20 {
            recent.append(try f.addEntity(library: library, filepath: "/s/\(n).png", created: "2026-01-02 08:00:00.000000",
                                          app: "Firefox", metadata: [Meta(key: "ocr_result", value: "common word \(n) and more filler text here")]))
        }
        let index = try SearchIndex(path: f.temp.path("index.sqlite"), source: f.path, rankWindow: 10)
        let store = try f.openStore(index: index)
        try index.synchronize(from: store)
        var request = SearchRequest()
        request.words = ["common"]
        request.limit = 5
        let hits = try store.search(request).map(\.id)
        #expect(hits.count == 5 && hits.allSatisfy { recent.suffix(11).contains($0) })  // the newest 10 (+ the floor)
        #expect(!hits.contains(oldest))
        // Everything fits the window: plain bm25 over all, the oldest first.
        request.limit = 50
        let wide = try SearchIndex(path: f.temp.path("wide.sqlite"), source: f.path, rankWindow: 100)
        try wide.synchronize(from: store)
        #expect(try wide.search(request, libraryIDs: []).first?.id == oldest)
        // A filter that leaves fewer than `limit` recent matches ranks every match.
        request.apps = ["Slack"]
        request.limit = 5
        #expect(try store.search(request).map(\.id) == [oldest])
    }
}
