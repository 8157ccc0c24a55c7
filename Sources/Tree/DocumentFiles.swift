import Cache
import FoundationEssentials
import Glibc
import Store
import Synchronization

/// A rendered document as the tree sees it: size and version (its bytes are chunks in the cache).
struct RenderedDocument: Sendable {
    var info: RenderedInfo
    var attributes: NodeAttributes
    var version: String { info.version }
    var name: String { info.name }
    var libraryID: Int64 { info.libraryID }
}

/// Documents as files: renders entities into cached chunks, knows each document's size and version
/// without rendering it again, and reads byte ranges of an open document (rebuilding chunks that both
/// cache tiers dropped). It owns the state of document reads: the chunks open files keep, and the
/// version of each document at its last open (an unchanged document keeps the kernel's page cache).
final class DocumentFiles: Sendable {
    let store: DocumentStore
    let tiered: TieredCache
    /// Bytes of rebuilt chunks that open documents keep (see `ChunkStash`), under a quarter of the budget.
    let stashTotal: StashTotal
    /// What is remembered of a document between requests (bounded; forgetting only costs a re-check).
    struct Seen {
        /// Its version at the last open: an unchanged document keeps the kernel's page cache.
        var openedVersion: String?
        /// When its cached rendering was last checked against the store's version. Within
        /// `verifyInterval` it is trusted without asking the store again (the kernel trusts its own
        /// attributes and page cache as long; change events drop both sooner), so a `grep -r` that
        /// opens 200 files does not run 200 version queries.
        var verifiedAt: Date?
    }
    private let seen = Mutex<[Int64: Seen]>([:])
    static let maxSeen = 200_000
    let verifyInterval: TimeInterval
    /// Renderings made (whole documents, not rebuilt chunks): `ls -l` over a listing with recorded
    /// sizes makes none, which the scale test checks through `.status/metrics`.
    private let renderCount = Atomic<Int>(0)
    var renders: Int { renderCount.load(ordering: .relaxed) }

    init(store: DocumentStore, tiered: TieredCache, verifyInterval: TimeInterval = 0) {
        self.store = store
        self.tiered = tiered
        self.verifyInterval = verifyInterval
        stashTotal = StashTotal(limit: max(4 << 20, tiered.budget / 4))
    }

    /// The library list (cached by the `CachingStore` under `store` in the daemon).
    func libraries() throws -> [Library] { try store.libraries() }

    func document(_ info: RenderedInfo, id: Int64) -> RenderedDocument {
        RenderedDocument(info: info, attributes: NodeAttributes.file(.document(id), size: info.size, modified: info.modified,
                                                                     changed: info.changed))
    }

    /// Whether the kernel may keep the page cache of document `id` at this open (same version as at
    /// the last open); remembers `version` for the next.
    func keepsPageCache(_ id: Int64, version: String) -> Bool {
        update(id) { seen in
            defer { seen.openedVersion = version }
            return seen.openedVersion == version
        }
    }

    /// Forgets what is kept about every document (SIGHUP): each is checked against the store again.
    func forgetAll() {
        seen.withLock { $0.removeAll() }
        let dropped = stashes.withLock { stashes in defer { stashes.removeAll() }; return stashes.values.map(\.stash) }
        for stash in dropped { stash.clear() }
    }

    /// Forgets what is kept about documents that changed.
    func invalidate(_ ids: [Int64]) {
        seen.withLock { seen in for id in ids { seen.removeValue(forKey: id) } }
        let dropped = stashes.withLock { stashes in ids.compactMap { stashes.removeValue(forKey: $0)?.stash } }
        for stash in dropped { stash.clear() }
    }

    /// Stashes of documents read by inode (no open, no release: see `RecallFileSystem.read(inode:)`),
    /// for the few most recently read: readers that stream a document whose chunks no cache tier kept.
    private let stashes = Mutex<[Int64: (stash: ChunkStash, used: UInt64)]>([:])
    private let stashClock = Atomic<UInt64>(0)
    static let maxStashes = 8

    func stash(for id: Int64) -> ChunkStash {
        let tick = stashClock.add(1, ordering: .relaxed).newValue
        var evicted: ChunkStash?
        let stash = stashes.withLock { stashes in
            if let kept = stashes[id] {
                stashes[id]!.used = tick
                return kept.stash
            }
            if stashes.count >= Self.maxStashes, let oldest = stashes.min(by: { $0.value.used < $1.value.used }) {
                evicted = stashes.removeValue(forKey: oldest.key)?.stash
            }
            let fresh = ChunkStash(total: stashTotal)
            stashes[id] = (fresh, tick)
            return fresh
        }
        evicted?.clear()
        return stash
    }

    private func update<T>(_ id: Int64, _ body: (inout Seen) -> T) -> T {
        seen.withLock { seen in
            if seen.count >= Self.maxSeen && seen[id] == nil { seen.removeAll(keepingCapacity: true) }
            return body(&seen[id, default: Seen()])
        }
    }

    /// The cached rendering of `id` if it was checked against the store less than `verifyInterval` ago.
    private func recentlyVerified(_ id: Int64) -> RenderedDocument? {
        guard verifyInterval > 0, let at = seen.withLock({ $0[id]?.verifiedAt }), Date().timeIntervalSince(at) < verifyInterval,
              case .rendered(let info)? = tiered.get(.rendered(id)) else { return nil }
        return document(info, id: id)
    }

    private func markVerified(_ id: Int64) {
        guard verifyInterval > 0 else { return }
        update(id) { $0.verifiedAt = Date() }
    }

    /// The entity text one batch may hold while documents are sized or listed: a share of the budget.
    var batchBytes: Int { max(1 << 20, min(EntityBatches.batchBytes, tiered.budget / 4)) }

    /// Working memory a rendering of `entity` holds at its peak: the entity, the text pieces made from
    /// it, and one chunk.
    func workingCost(_ entity: Entity) -> Int { entity.approximateBytes * 3 + tiered.configuration.chunkBytes }

    /// Renders `entity` into the cache, one chunk at a time, and records its size and version.
    @discardableResult
    func render(_ entity: Entity) throws -> RenderedDocument {
        let library = try libraries().first { $0.id == entity.summary.libraryID }
        let version = entity.summary.version
        let cache = tiered
        var writer = ChunkWriter(chunkBytes: tiered.configuration.chunkBytes) { index, bytes in
            cache.put(.chunk(document: entity.id, version: version, index: index), .bytes(bytes))
        }
        tiered.working.withReservation(workingCost(entity)) {
            DocumentRenderer.render(entity, library: library, into: &writer)
            writer.finish()
        }
        renderCount.add(1, ordering: .relaxed)
        let info = RenderedInfo(version: version, name: FileNaming.documentName(entity.summary),
                                libraryID: entity.summary.libraryID, size: writer.total,
                                modified: entity.summary.createdAt, changed: max(entity.lastScanAt, entity.summary.createdAt))
        tiered.put(.rendered(entity.id), .rendered(info))
        return document(info, id: entity.id)
    }

    /// The current rendering of one document, or nil if the entity does not exist.
    func document(id: Int64) throws -> RenderedDocument? {
        if let recent = recentlyVerified(id) { return recent }
        guard let summary = try store.entitySummary(id: id) else { return nil }
        let document = try documents(for: [summary]).first
        if document != nil { markVerified(id) }
        return document
    }

    /// Renderings for `summaries`, in order, rendering everything not cached after one store call.
    func documents(for summaries: [EntitySummary]) throws -> [RenderedDocument] {
        var found: [Int64: RenderedDocument] = [:]
        var missing: [Int64] = []
        for summary in summaries {
            if case .rendered(let info)? = tiered.get(.rendered(summary.id)), info.version == summary.version {
                found[summary.id] = document(info, id: summary.id)
            } else {
                missing.append(summary.id)
            }
        }
        try EntityBatches.forEach(missing, batchBytes: batchBytes, load: store.entities(ids:)) { found[$0.id] = try render($0) }
        return summaries.compactMap { found[$0.id] }
    }

    /// Bytes `offset..<offset+size` of an open document, chunk by chunk from the cache, else from the
    /// handle's stash, else rebuilt (see `rebuild`). A range inside one chunk (most reads: the kernel
    /// asks for at most 1 MiB, aligned) is a slice of the cached chunk, not a copy.
    func readDocument(id: Int64, info: RenderedInfo, offset: Int, size: Int, stash: ChunkStash) throws -> ArraySlice<UInt8> {
        guard offset < info.size, size > 0 else { return [] }
        let chunk = tiered.configuration.chunkBytes
        let end = min(info.size, offset + size)
        var parts: [ArraySlice<UInt8>] = []
        var index = offset / chunk
        while index * chunk < end {
            guard let bytes = try self.chunk(id: id, info: info, index: index, stash: stash) else { break }
            let from = max(offset, index * chunk) - index * chunk
            let to = min(end - index * chunk, bytes.count)
            if from < to { parts.append(bytes[from..<to]) }
            index += 1
        }
        return parts.count == 1 ? parts[0] : ArraySlice(parts.joined())
    }

    /// Chunks rebuilt at once for a reader: the one asked for and the next few, which the reader is
    /// about to ask for (kept in its stash when no cache tier has room).
    static let rebuildAhead = 4

    private func chunk(id: Int64, info: RenderedInfo, index: Int, stash: ChunkStash) throws -> [UInt8]? {
        let key = CacheKey.chunk(document: id, version: info.version, index: index)
        if case .bytes(let bytes)? = tiered.get(key) { return bytes }
        if let bytes = stash.get(index) { return bytes }
        return try rebuild(id: id, info: info, from: index, stash: stash)
    }

    /// Evicted from both tiers: renders again, only as far as chunk `from + rebuildAhead - 1` (the
    /// rest of the document is not copied), and offers those chunks to the cache and the reader's
    /// stash. The document may have changed meanwhile; then the reader gets the new bytes, as with a
    /// file replaced under it, and nothing is cached under the old version.
    private func rebuild(id: Int64, info: RenderedInfo, from index: Int, stash: ChunkStash) throws -> [UInt8]? {
        guard let entity = try store.entities(ids: [id]).first else { return nil }
        let library = try libraries().first { $0.id == entity.summary.libraryID }
        let last = index + Self.rebuildAhead - 1
        let current = entity.summary.version == info.version
        var wanted: [UInt8]?
        let cache = tiered
        var writer = ChunkWriter(chunkBytes: tiered.configuration.chunkBytes, through: last) { i, bytes in
            guard i >= index else { return }
            if i == index { wanted = bytes }
            guard current else { return }
            let key = CacheKey.chunk(document: id, version: info.version, index: i)
            cache.put(key, .bytes(bytes))
            if cache.memory.contains(key) { return }  // kept in memory: no need to stash
            stash.keep(i, bytes)
        }
        stash.clear()
        tiered.working.withReservation(workingCost(entity)) {
            DocumentRenderer.render(entity, library: library, into: &writer)
            writer.finish()
        }
        return wanted
    }

    // MARK: - Names and listings

    /// A document in `documents/` or `libraries/<name>/`, found by the id its name starts with. Any
    /// `<id>-….md` resolves, not only the listed name: the slug comes from metadata that Pensieve may
    /// write a moment after the entity, so a name read by `ls` just before must still open.
    func entry(named name: String, library: Int64?) throws -> NodeAttributes {
        guard name.hasSuffix(".md"), let id = FileNaming.documentID(name) else { throw FSError(ENOENT) }
        return try entry(id: id) { library == nil || $0.libraryID == library }
    }

    /// Document `id` if it exists and `admits` its summary (a view's condition), else ENOENT.
    func entry(id: Int64, admits: (EntitySummary) -> Bool) throws -> NodeAttributes {
        guard let summary = try store.entitySummary(id: id), admits(summary), let document = try document(id: id) else {
            throw FSError(ENOENT)
        }
        return document.attributes
    }

    /// Named, sized entries for `ids` in their order (search hits, neighbours): named and sized from
    /// what the index recorded where it did (no entity loaded, nothing rendered), else loaded and
    /// rendered as they would be for a file. Ids gone meanwhile are left out; cookies are positions.
    func entries(for ids: [Int64], naming: (_ position: Int, EntitySummary) -> String) throws -> [DirectoryEntry] {
        var named: [Int64: (summary: EntitySummary, attributes: NodeAttributes)] = [:]
        for listed in try store.listed(ids: ids) {
            if let attributes = Self.recordedAttributes(listed) { named[listed.summary.id] = (listed.summary, attributes) }
        }
        let unsized = ids.filter { named[$0] == nil }
        try EntityBatches.forEach(unsized, batchBytes: batchBytes, load: store.entities(ids:)) { entity in
            let rendered: RenderedDocument
            if case .rendered(let info)? = tiered.get(.rendered(entity.id)), info.version == entity.summary.version {
                rendered = document(info, id: entity.id)
            } else {
                rendered = try render(entity)
            }
            named[entity.id] = (entity.summary, rendered.attributes)
        }
        var entries: [DirectoryEntry] = []
        entries.reserveCapacity(ids.count)
        for id in ids {
            guard let (summary, attributes) = named[id] else { continue }
            let position = entries.count
            entries.append(DirectoryEntry(name: naming(position, summary), attributes: attributes, cookie: Int64(position + 3)))
        }
        return entries
    }

    /// A listed document's attributes from the size the index recorded for its rendering, if it did.
    static func recordedAttributes(_ listed: ListedDocument) -> NodeAttributes? {
        guard let recorded = listed.rendering else { return nil }
        return NodeAttributes.file(.document(listed.summary.id), size: recorded.size, modified: listed.summary.createdAt,
                                   changed: recorded.changedAt)
    }

    /// One page of documents with `id > afterID`; the cookie of a document is its id + 2. The last two
    /// ids of Int64 cannot have a cookie: such entries are reported, not listed. With `plus`, sizes
    /// come from the listing where the index recorded them, else from a cached or new rendering.
    func page(filter: DocumentFilter, naming: (EntitySummary) -> String = FileNaming.documentName, board: StatusBoard,
              afterID: Int64, count: Int, plus: Bool, buffer: ListingBuffer? = nil) throws -> [DirectoryEntry] {
        let listed = try listedPage(filter: filter, board: board, afterID: afterID, count: count, buffer: buffer)
        guard plus else {
            return listed.map { entry in
                let summary = entry.summary
                return DirectoryEntry(name: naming(summary),
                                      attributes: NodeAttributes.file(.document(summary.id), size: 0, modified: summary.createdAt,
                                                                      changed: summary.createdAt),
                                      cookie: summary.id + 2)
            }
        }
        let unsized = listed.filter { $0.rendering == nil }.map(\.summary)
        let rendered = Dictionary(uniqueKeysWithValues: try documents(for: unsized).map { ($0.attributes.inode, $0) })
        return listed.compactMap { entry in
            let summary = entry.summary
            let attributes: NodeAttributes
            if let recorded = Self.recordedAttributes(entry) {
                attributes = recorded
            } else if let document = rendered[Node.document(summary.id).inode] {
                attributes = document.attributes
            } else {
                return nil
            }
            return DirectoryEntry(name: naming(summary), attributes: attributes, cookie: summary.id + 2)
        }
    }

    /// One page of what `filter` lists after `afterID`, through the open directory's buffer.
    func listedPage(filter: DocumentFilter, board: StatusBoard, afterID: Int64, count: Int,
                    buffer: ListingBuffer?) throws -> [ListedDocument] {
        guard afterID < Int64.max - 2 else { return [] }
        let fetch = { (after: Int64, limit: Int) in try self.store.listing(afterID: after, filter: filter, limit: limit) }
        var listed = try buffer?.take(after: afterID, count: count, fetch: fetch) ?? fetch(afterID, count)
        if let tooLarge = listed.first(where: { $0.summary.id > Int64.max - 2 }) {
            board.record(operation: "readdir", path: "documents/\(tooLarge.summary.id)-…", errno: EIO,
                         reason: "entity id \(tooLarge.summary.id) is too large to be listed (ids up to \(Int64.max - 2) are)")
            listed.removeAll { $0.summary.id > Int64.max - 2 }
        }
        return listed
    }
}
