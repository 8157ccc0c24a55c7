import Store
import Testing
@testable import Tree

/// An open `documents/` listing asks the store for a thousand entries at a time, not one page each.
@Suite struct ListingBufferTests {
    private func items(_ ids: some Sequence<Int64>) -> [ListedDocument] {
        ids.map { ListedDocument(summary: EntitySummary(id: $0, libraryID: 1, filename: "\($0).png", createdAt: 0, app: nil, version: "v")) }
    }

    @Test func pagesComeFromOneFetchPerThousand() throws {
        let all = items(stride(from: Int64(3), through: 9_000, by: 3))  // 3,000 ids with gaps
        var calls = 0
        let fetch = { (after: Int64, limit: Int) -> [ListedDocument] in
            calls += 1
            return Array(all.filter { $0.summary.id > after }.prefix(limit))
        }
        let buffer = ListingBuffer()
        var seen: [Int64] = []
        var cookie: Int64 = 0
        while true {
            let page = try buffer.take(after: cookie, count: 80, fetch: fetch)
            if page.isEmpty { break }
            seen += page.map(\.summary.id)
            cookie = page.last!.summary.id
        }
        #expect(seen == all.map(\.summary.id))
        #expect(calls <= 4)  // 3,000 entries, 1,024 per fetch (and the last one says there is no more)
        // Going back (rewinddir, or a reply that kept fewer entries) is served too.
        #expect(try buffer.take(after: 0, count: 2, fetch: fetch).map(\.summary.id) == [3, 6])
        #expect(try buffer.take(after: 4, count: 2, fetch: fetch).map(\.summary.id) == [6, 9])
    }
}
