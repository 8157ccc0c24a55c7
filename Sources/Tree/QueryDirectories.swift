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
        /// Listed names when there is no `SavedQueries` (tests, or a cache that cannot be written).
        var unsaved: [String] = []
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
    var listed: [String] { saved?.all ?? state.withLock { $0.unsaved } }

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

    /// Drops every cached result list (after the documents changed); returns what each query slot listed.
    @discardableResult
    func invalidateResults() -> [(slot: Int64, entries: [DirectoryEntry])] {
        state.withLock { s in
            let dropped = s.results.compactMap { name, results in s.slots[name].map { ($0, results.entries) } }
            s.results.removeAll()
            return dropped
        }
    }

    func forget(_ name: String) throws -> Bool {
        let wasUnsaved = state.withLock { s in
            s.results.removeValue(forKey: name)
            let listed = s.unsaved.contains(name)
            s.unsaved.removeAll { $0 == name }
            return listed
        }
        guard let saved else { return wasUnsaved }
        return try saved.remove(name)
    }

    func remember(_ name: String) throws {
        guard let saved else {
            state.withLock { if !$0.unsaved.contains(name) { $0.unsaved.append(name) } }
            return
        }
        try saved.add(name)
    }
}
