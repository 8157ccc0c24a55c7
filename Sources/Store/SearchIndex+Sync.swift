import Dispatch
import FoundationEssentials
import Synchronization

/// Where the incremental sync stands between polls.
struct SyncProgress: Sendable {
    /// The whole database was compared with the index once in this process (after a restart, changes
    /// made while the daemon was down may be anywhere).
    var verified = false
    /// The database's change token at the last sync: unchanged means nothing to do; another file
    /// (replaced) means a full comparison again.
    var token: PensieveSQLiteStore.ChangeToken?
    /// Where the rolling sweep of older entities resumes.
    var sweepAfter: Int64 = 0
    /// The newest entities compared at every sync, and the older ones compared per sync by the sweep.
    var tailRows = 2_000
    var sweepRows = 5_000
}

/// Synchronisation: the first build, and the incremental syncs that follow it.
///
/// A full comparison reads every entity's version through the heaviest query Pensieve's schema needs
/// (metadata and tags per row): about 15 s of CPU for a million entities. So only the first sync of a
/// process walks everything. After it, each sync costs what changed:
/// - nothing at all while the database file (and its `-wal`) is unchanged (`changeToken`);
/// - else the newest `tailRows` (2,000) entities and everything after them (new captures, and the recent ones
///   that Pensieve's plugins are still writing metadata for), and the next `sweepRows` (5,000) of the older
///   ones, round and round (so an old entity edited later is seen within a few hundred polls);
/// - and, when the database holds fewer entities than the index, a pass over ids only to find which
///   were removed.
extension SearchIndex {
    /// Like `synchronize`, and says which ids were added, updated and removed.
    public func synchronizeReportingChanges(from store: DocumentStore) throws -> SyncChanges {
        let started = Date()
        var changes = SyncChanges(state: syncState)
        do {
            let source = store as? PensieveSQLiteStore
            let token = source?.changeToken()
            let progress = self.progress.withLock { $0 }
            let sameFile = token?.isSameFile(as: progress.token) ?? false
            let incremental = progress.verified && sameFile && state.withLock({ $0.ready })
            if incremental, let token, token == progress.token {
                // The same file, unchanged since the last sync that worked: the index is current,
                // whatever failed in between (a file that was moved away and back, say).
                state.withLock {
                    $0.lastSyncAt = Date(); $0.lastSyncSeconds = Date().timeIntervalSince(started); $0.added = 0; $0.updated = 0; $0.removed = 0
                    $0.lastError = nil
                }
                changes.state = syncState
                return changes
            }
            let libraries = sizer == nil ? [:] : Dictionary(try store.libraries().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            if !incremental {
                if !state.withLock({ $0.ready }) {
                    changes.firstBuild = true
                    let expected = (try? store.entityCount(library: nil)) ?? 0
                    state.withLock { $0.building = BuildProgress(done: 0, of: expected) }
                }
                _ = try walk(store, after: 0, rows: nil, libraries: libraries, into: &changes)
            } else {
                let tailStart = try indexedID(fromNewest: progress.tailRows)
                _ = try walk(store, after: tailStart, rows: nil, libraries: libraries, into: &changes)
                if tailStart > 0 {
                    let reached = try walk(store, after: progress.sweepAfter, rows: progress.sweepRows, through: tailStart,
                                           libraries: libraries, into: &changes)
                    self.progress.withLock { $0.sweepAfter = reached ?? 0 }
                }
            }
            var total = try indexedCount()
            if incremental, let source, total > (try source.entityCount(library: nil)) {
                try removeVanished(source, into: &changes)
                total = try indexedCount()
            }
            try writer.withLock { db in try db.execute("INSERT OR REPLACE INTO meta VALUES ('synced', '1')") }
            if changes.addedCount + changes.updated.count + changes.removed.count > 0 { truncateWAL() }
            self.progress.withLock { $0.verified = true; $0.token = token }
            changes.state = state.withLock {
                $0 = SyncState(ready: true, documents: total, lastSyncAt: Date(), lastSyncSeconds: Date().timeIntervalSince(started),
                               added: changes.addedCount, updated: changes.updated.count, removed: changes.removed.count, lastError: nil)
                return $0
            }
            return changes
        } catch {
            state.withLock { $0.lastError = "\(error)" }
            throw error
        }
    }

    /// Compares entities with `id > start` with the index in batches, re-indexing what changed and
    /// dropping what is gone from the walked range: all of them (`rows` nil), or about `rows`, or up
    /// to id `through`. Returns the last id walked, or nil when it reached the end (of the table, or
    /// `through`).
    func walk(_ store: DocumentStore, after start: Int64, rows: Int?, through limitID: Int64? = nil,
              libraries: [Int64: Library], into changes: inout SyncChanges) throws -> Int64? {
        var after = start
        var walked = 0
        // Each batch is written while the next one is read and prepared.
        let pipeline = WritePipeline()
        defer { try? pipeline.drain() }
        while true {
            let asked = min(Self.batchSize, rows.map { max(1, $0 - walked) } ?? Self.batchSize)
            var batch = try store.entitySummaries(afterID: after, library: nil, limit: asked)
            let full = batch.count == asked
            if let limitID { batch.removeAll { $0.id > limitID } }
            let atEnd = !full || batch.count < asked  // the table, or `through`, ends in this batch
            let upper = atEnd ? (limitID ?? Int64.max) : batch.last!.id
            let known = try indexedVersions(after: after, through: upper)
            let present = Set(batch.map(\.id))
            let changed = batch.filter { known[$0.id] != $0.version }.map(\.id)
            let gone = known.keys.filter { !present.contains($0) }
            if !gone.isEmpty {
                try pipeline.submit { try self.write([], removing: gone, known: [:]) }
                changes.removed += gone
            }
            // Batches sized by content: one entity can hold megabytes of text.
            var pending: [Entity] = []
            var pendingBytes = 0
            func flush() throws {
                guard !pending.isEmpty else { return }
                let prepared = prepare(pending, libraries: libraries)
                try pipeline.submit { try self.write(prepared, removing: [], known: known) }
                advance(by: pending.count)
                changes.recordAdded(pending.filter { known[$0.id] == nil }.map(\.id))
                changes.updated += pending.filter { known[$0.id] != nil }.map(\.id)
                pending.removeAll()
                pendingBytes = 0
            }
            let batchBytes = batchBound.withLock { $0 }
            try EntityBatches.forEach(changed, batchBytes: batchBytes, load: store.entities(ids:)) { entity in
                pending.append(entity)
                pendingBytes += entity.approximateBytes
                // Fewer, larger transactions: each one writes an FTS5 segment that later merges.
                if pendingBytes >= batchBytes || pending.count >= 1_000 { try flush() }
            }
            try flush()
            advance(by: batch.count - changed.count)  // the unchanged rows of this batch
            walked += batch.count
            if atEnd { try pipeline.drain(); return nil }
            after = upper
            if let rows, walked >= rows { try pipeline.drain(); return after }
        }
    }

    /// Drops indexed documents whose entity is gone, comparing ids only (cheap, in order, in pages).
    private func removeVanished(_ source: PensieveSQLiteStore, into changes: inout SyncChanges) throws {
        var after: Int64 = 0
        let page = 50_000
        while true {
            let ids = try source.entityIDs(afterID: after, limit: page)
            let upper = ids.count < page ? Int64.max : ids.last!
            let present = Set(ids)
            let gone = try indexedVersions(after: after, through: upper).keys.filter { !present.contains($0) }
            if !gone.isEmpty {
                try apply([], removing: gone, libraries: [:])
                changes.removed += gone
            }
            if upper == Int64.max { return }
            after = upper
        }
    }

    /// The id of the `n`th newest indexed document (0 when there are fewer).
    private func indexedID(fromNewest n: Int) throws -> Int64 {
        try readers.withConnection { db in try db.scalarInt("SELECT id FROM docs ORDER BY id DESC LIMIT 1 OFFSET ?", [.int(Int64(n))]) } ?? 0
    }

    private func indexedCount() throws -> Int {
        Int(try readers.withConnection { db in try db.scalarInt("SELECT count(*) FROM docs") } ?? 0)
    }
}

/// Runs index writes one at a time, in order, on a thread of their own, so that the sync reads and
/// prepares the next batch meanwhile. Depth one: `submit` waits for the write before it. The first
/// failure is thrown by the next `submit` or by `drain`.
final class WritePipeline: @unchecked Sendable {
    private let queue = DispatchQueue(label: "recallfs-index-writer")
    private let group = DispatchGroup()
    private let failure = Mutex<(any Error)?>(nil)

    func submit(_ work: @escaping @Sendable () throws -> Void) throws {
        try drain()
        group.enter()
        queue.async { [self] in
            defer { group.leave() }
            do { try work() } catch { failure.withLock { $0 = $0 ?? error } }
        }
    }

    /// Waits for the write in flight; throws the first failure.
    func drain() throws {
        group.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
