import Store
import Synchronization

/// The next entries of one open `documents/` (or library) listing, fetched from the store a thousand
/// at a time. The kernel asks for about 80 names per readdir call (one 4 KiB page); a store call
/// per page made `ls` of a million documents 11,000 queries, where 1,000 do.
final class ListingBuffer: Sendable {
    static let fetchSize = 1_024

    private struct State {
        /// The entries fetched after id `from`, in id order.
        var from: Int64 = 0
        var items: [ListedDocument] = []
        /// The store had nothing after the last item.
        var complete = false
    }

    private let state = Mutex(State())

    /// Up to `count` entries with an id above `after`, from the buffer when it covers them, else
    /// fetched (at least `fetchSize` at a time) with `fetch(after, limit)`.
    func take(after: Int64, count: Int, fetch: (Int64, Int) throws -> [ListedDocument]) throws -> [ListedDocument] {
        if let buffered = state.withLock({ s -> [ListedDocument]? in
            guard after >= s.from else { return nil }
            let start = Self.firstIndex(in: s.items, above: after)
            let slice = s.items[start..<min(s.items.count, start + count)]
            // A page that runs past the buffer's end is fetched whole below, unless nothing follows.
            return slice.count == count || s.complete ? Array(slice) : nil
        }) {
            return buffered
        }
        let limit = max(count, Self.fetchSize)
        let fetched = try fetch(after, limit)
        state.withLock { $0 = State(from: after, items: fetched, complete: fetched.count < limit) }
        return Array(fetched.prefix(count))
    }

    /// The index of the first item with an id above `id` (binary search: items are in id order).
    private static func firstIndex(in items: [ListedDocument], above id: Int64) -> Int {
        var low = 0, high = items.count
        while low < high {
            let mid = (low + high) / 2
            if items[mid].summary.id <= id { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
