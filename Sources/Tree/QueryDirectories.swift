import FoundationEssentials
import Glibc
import Store
import Synchronization

/// The query directories under `search/`: a slot (and so an inode) per name, the saved names that
/// `ls search/` shows, and the one cache of search results: each query's hits, with the named, sized
/// entries that the kernel sees derived from them once. (The store chain below does not cache
/// searches: a second cache would only hold the same answer twice, with two TTLs to reason about.)
///
/// Everything here is bounded, because names come from whoever walks the mount (a script can look up a
/// million): slots are kept for the most recently used `maxSlots` names (and every saved one), result
/// lists for at most `maxCachedResults` queries and `maxResultBytes` in all, saved names by
/// `SavedQueries`' capacity. A name is saved when its directory is listed, not when it is looked up.
final class QueryDirectories: Sendable {
    /// One computed result list: the store's hits in rank order, and the entries derived from them,
    /// named, sized and ready for readdirplus.
    struct Results: Sendable {
        var hits: [SearchHit]
        var entries: [DirectoryEntry]
        var computedAt: Date
        /// What was asked, which store answered, and how long the search took (for the xattrs).
        var request: SearchRequest
        var backend: String
        var seconds: Double
        /// Approximate bytes held (hits, names and attributes), counted against `maxResultBytes`.
        var cost: Int { 64 + hits.count * 16 + entries.reduce(0) { $0 + 96 + $1.name.utf8.count } }
    }

    struct State {
        var slots: [String: Int64] = [:]
        var names: [Int64: String] = [:]
        var lastUse: [Int64: UInt64] = [:]
        /// Slots in order of use, with the use they record; stale when the slot was used since (or is
        /// gone). Eviction pops from the front: no scan of every slot per new name.
        var uses: [(slot: Int64, use: UInt64)] = []
        var usesHead = 0
        var clock: UInt64 = 0
        var next: Int64 = 1
        var results: [String: Results] = [:]
        var resultBytes = 0
        /// Listed names when there is no `SavedQueries` (tests, or a cache that cannot be written).
        var unsaved: [String] = []
        var unsavedSet: Set<String> = []
        /// Why the last save failed, and when (cleared by the next success), for health.
        var saveProblem: (reason: String, at: Date)?
        /// Bumped by `invalidateResults`: a list computed across a change is not kept.
        var generation = 0
        /// A fingerprint of the listing each query directory last handed to the kernel (see `handOut`).
        var handedOut: [Int64: Int] = [:]
    }

    private let state = Mutex(State())
    let saved: SavedQueries?
    let ttl: TimeInterval
    static let maxCachedResults = 256
    static let maxSlots = 4096
    /// The byte bound of all cached result lists, a share of the memory budget (which follows the limit).
    let resultBytesBound: @Sendable () -> Int
    var maxResultBytes: Int { resultBytesBound() }

    /// Where results come from: the store runs the search, the document files name and size each hit.
    let store: DocumentStore
    let documents: DocumentFiles

    init(saved: SavedQueries?, ttl: TimeInterval, store: DocumentStore, documents: DocumentFiles,
         maxResultBytes: @escaping @Sendable () -> Int = { 8 << 20 }) {
        self.saved = saved; self.ttl = ttl; self.store = store; self.documents = documents
        self.resultBytesBound = maxResultBytes
    }

    /// A name in a query directory. The listed `<rank>-<id>-<slug>.md` names resolve, and so does any
    /// `<rank>-<id>-….md` whose document still exists: ranks move when results are recomputed (a new
    /// entity, an expired cache), and a `grep -r` must be able to open every name it was just given.
    func entry(named name: String, query: String) throws -> NodeAttributes {
        if let entry = try results(for: query).entries.first(where: { $0.name == name }) { return entry.attributes }
        guard name.hasSuffix(".md"), let id = FileNaming.resultID(name), let document = try documents.document(id: id) else {
            throw FSError(ENOENT)
        }
        return document.attributes
    }

    /// The named, sized entries of the query directory `name`, from the cache while fresh. The name is
    /// parsed here, once per computation, into the `SearchRequest` that travels down the store chain.
    func results(for name: String) throws -> Results {
        if let cached = cachedResults(name) { return cached }
        let generation = self.generation
        let request: SearchRequest
        do { request = try QueryParser.parse(name) } catch { throw FSError(error.errno, "bad query '\(name)': \(error.reason)") }
        let started = Date()
        let hits = try store.search(request)
        let seconds = Date().timeIntervalSince(started)
        let entries = try documents.entries(for: hits.map(\.id)) { position, summary in
            FileNaming.resultName(rank: position + 1, limit: request.limit, summary)
        }
        let results = Results(hits: hits, entries: entries, computedAt: Date(), request: request, backend: store.backendName,
                              seconds: seconds)
        store(results, for: name, computedIn: generation)
        return results
    }

    func slot(for name: String) -> Int64 {
        state.withLock { s in
            s.clock += 1
            if let slot = s.slots[name] { Self.touch(&s, slot); return slot }
            if s.slots.count >= Self.maxSlots { evictSlot(&s) }
            let slot = s.next
            s.next += 1
            s.slots[name] = slot
            s.names[slot] = name
            Self.touch(&s, slot)
            return slot
        }
    }

    /// Drops the least recently used slot that is not saved (its inode then answers ENOENT; the
    /// kernel looks the name up again and gets a new one).
    private func evictSlot(_ s: inout State) {
        var passes = s.uses.count - s.usesHead  // each live slot is looked at once at most
        while passes > 0, s.usesHead < s.uses.count {
            passes -= 1
            let (slot, use) = s.uses[s.usesHead]
            s.usesHead += 1
            guard s.lastUse[slot] == use, let name = s.names[slot] else { continue }  // used since, or gone
            if saved?.contains(name) ?? s.unsavedSet.contains(name) { Self.touch(&s, slot); continue }  // saved names keep theirs
            s.names.removeValue(forKey: slot)
            s.lastUse.removeValue(forKey: slot)
            s.slots.removeValue(forKey: name)
            if let dropped = s.results.removeValue(forKey: name) { s.resultBytes -= dropped.cost }
            return
        }
    }

    private static func touch(_ s: inout State, _ slot: Int64) {
        s.lastUse[slot] = s.clock
        s.uses.append((slot, s.clock))
        if s.usesHead > 1024 && s.usesHead * 2 > s.uses.count { s.uses.removeFirst(s.usesHead); s.usesHead = 0 }
        // Repeated lookups of the same names leave stale uses behind: rebuild from the live ones.
        if s.uses.count > 4 * max(256, s.lastUse.count) {
            s.uses = s.lastUse.map { ($0.key, $0.value) }.sorted { $0.use < $1.use }
            s.usesHead = 0
        }
    }

    func name(forSlot slot: Int64) -> String? { state.withLock { $0.names[slot] } }

    /// Entries in the use queue (tests check that it stays bounded).
    var usesQueued: Int { state.withLock { $0.uses.count - $0.usesHead } }

    /// Saved names first (in the order they were first used), for `ls search/`.
    var listed: [String] { saved?.all ?? state.withLock { $0.unsaved } }

    var resultBytes: Int { state.withLock { $0.resultBytes } }
    var saveProblem: (reason: String, at: Date)? { state.withLock { $0.saveProblem } }

    func cachedResults(_ name: String) -> Results? {
        state.withLock { s in
            guard let results = s.results[name], Date().timeIntervalSince(results.computedAt) < ttl else { return nil }
            return results
        }
    }

    /// The current generation, taken before computing results for `store`.
    var generation: Int { state.withLock { $0.generation } }

    func store(_ results: Results, for name: String, computedIn generation: Int) {
        let maxResultBytes = self.maxResultBytes
        state.withLock { s in
            guard s.generation == generation else { return }
            if let old = s.results.removeValue(forKey: name) { s.resultBytes -= old.cost }
            while !s.results.isEmpty, s.results.count >= Self.maxCachedResults || s.resultBytes + results.cost > maxResultBytes,
                  let oldest = s.results.min(by: { $0.value.computedAt < $1.value.computedAt }) {
                s.results.removeValue(forKey: oldest.key)
                s.resultBytes -= oldest.value.cost
            }
            guard results.cost <= maxResultBytes else { return }
            s.results[name] = results
            s.resultBytes += results.cost
        }
    }

    /// Records `entries` as the listing the kernel gets for `slot`; true when it is the same as the
    /// one it got last time (so the kernel's cached copy of it is still right).
    func handOut(_ entries: [DirectoryEntry], slot: Int64) -> Bool {
        var hasher = Hasher()
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.attributes.inode)
            hasher.combine(entry.attributes.size)
            hasher.combine(entry.attributes.changed)
        }
        let fingerprint = hasher.finalize()
        return state.withLock { s in
            if s.handedOut.count >= Self.maxSlots && s.handedOut[slot] == nil { s.handedOut.removeAll() }
            defer { s.handedOut[slot] = fingerprint }
            return s.handedOut[slot] == fingerprint
        }
    }

    /// Drops every cached result list (after the documents changed); returns what each query slot listed.
    @discardableResult
    func invalidateResults() -> [(slot: Int64, entries: [DirectoryEntry])] {
        state.withLock { s in
            let dropped = s.results.compactMap { name, results in s.slots[name].map { ($0, results.entries) } }
            s.generation += 1
            s.results.removeAll()
            s.resultBytes = 0
            return dropped
        }
    }

    func forget(_ name: String) throws -> Bool {
        let wasUnsaved = state.withLock { s in
            if let old = s.results.removeValue(forKey: name) { s.resultBytes -= old.cost }
            guard s.unsavedSet.remove(name) != nil else { return false }
            s.unsaved.removeAll { $0 == name }
            return true
        }
        guard let saved else { return wasUnsaved }
        return try saved.remove(name)
    }

    /// Saves `name` as a listed query. Best-effort: a cache directory that cannot be written is
    /// remembered as a problem for health, and the listing goes on.
    func remember(_ name: String) {
        guard let saved else {
            state.withLock { s in if s.unsavedSet.insert(name).inserted { s.unsaved.append(name) } }
            return
        }
        do {
            try saved.touch(name)
            state.withLock { $0.saveProblem = nil }
        } catch {
            state.withLock { $0.saveProblem = ("cannot save query names in the cache directory: \(error)", Date()) }
        }
    }
}
