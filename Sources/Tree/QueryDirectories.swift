import Foundation
import Store
import Synchronization

/// The query directories under `search/`: a stable slot (and so inode) per name for the life of the
/// mount, the saved names that `ls search/` shows, and a short-lived cache of each query's results.
final class QueryDirectories: Sendable {
    /// One computed result list: entries are named, sized and ready for readdirplus.
    struct Results: Sendable {
        var entries: [DirectoryEntry]
        var computedAt: Date
    }

    struct State {
        var slots: [String: Int64] = [:]
        var names: [Int64: String] = [:]
        var next: Int64 = 1
        var results: [String: Results] = [:]
    }

    private let state = Mutex(State())
    let saved: SavedQueries?
    let ttl: TimeInterval
    static let maxCachedResults = 256

    init(saved: SavedQueries?, ttl: TimeInterval) { self.saved = saved; self.ttl = ttl }

    func slot(for name: String) -> Int64 {
        state.withLock { s in
            if let slot = s.slots[name] { return slot }
            let slot = s.next
            s.next += 1
            s.slots[name] = slot
            s.names[slot] = name
            return slot
        }
    }

    func name(forSlot slot: Int64) -> String? { state.withLock { $0.names[slot] } }

    /// Saved names first (in the order they were first used), for `ls search/`.
    var listed: [String] { saved?.all ?? state.withLock { Array($0.slots.keys).sorted() } }

    func cachedResults(_ name: String) -> Results? {
        state.withLock { s in
            guard let results = s.results[name], Date().timeIntervalSince(results.computedAt) < ttl else { return nil }
            return results
        }
    }

    func store(_ results: Results, for name: String) {
        state.withLock { s in
            if s.results.count >= Self.maxCachedResults, let oldest = s.results.min(by: { $0.value.computedAt < $1.value.computedAt }) {
                s.results.removeValue(forKey: oldest.key)
            }
            s.results[name] = results
        }
    }

    /// Drops every cached result list (after the index changed).
    func invalidateResults() { state.withLock { $0.results.removeAll() } }

    func forget(_ name: String) throws -> Bool {
        state.withLock { _ = $0.results.removeValue(forKey: name) }
        return try saved?.remove(name) ?? false
    }

    func remember(_ name: String) throws { try saved?.add(name) }
}
