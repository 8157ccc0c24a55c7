import FoundationEssentials
import Cache
import Store

extension RecallFileSystem {
    /// The FUSE bridge registers itself here once the session exists.
    public func attach(notifier: any KernelNotifier) { self.notifier.withLock { $0 = notifier } }

    /// What the kernel must forget after a batch of changes: inodes whose data or listing changed, and
    /// names that may now point elsewhere.
    public struct KernelInvalidations: Sendable, Equatable {
        public struct Entry: Sendable, Equatable { public var parent: UInt64; public var name: String }
        public var inodes: [UInt64] = []
        public var entries: [Entry] = []
    }

    /// The top of the invalidation chain: drops the tree's own state that `changes` make stale (the
    /// versions of open documents, the query directories' result lists), passes the changes down the
    /// store chain (instrumented → caching → failover → API, each dropping only what they name), and
    /// says what the kernel must forget.
    public func invalidate(_ changes: [ChangeEvent]) -> KernelInvalidations {
        var kernel = KernelInvalidations()
        for change in changes where change.kind != .added {
            // The name it was listed under (from its cached rendering) may now be wrong.
            if case .rendered(let rendered)? = tiered.get(.rendered(change.id)) {
                kernel.entries.append(.init(parent: Node.documents.inode, name: rendered.name))
                kernel.entries.append(.init(parent: Node.library(rendered.libraryID).inode, name: rendered.name))
            }
            kernel.inodes.append(Node.document(change.id).inode)
            kernel.inodes.append(Node.image(change.id).inode)
        }
        apps.invalidate()  // a new or changed capture may bring a new app
        documentFiles.invalidate(changes.map(\.id))
        store.invalidate(changes)
        // Result names carry ranks, so every cached result list may now name other documents.
        dropResultLists(into: &kernel)
        return kernel
    }

    /// Drops every cached answer (SIGHUP): both cache tiers, the query directories' result lists, the
    /// app list, what is remembered of each document (so each is checked against the store again),
    /// and what the stores keep; the kernel forgets the listings it holds. Returns what was dropped,
    /// for the log.
    @discardableResult
    public func dropCachedAnswers() -> String {
        var kernel = KernelInvalidations()
        let lists = dropResultLists(into: &kernel)
        let entries = tiered.memory.stats.entries
        tiered.removeEverything()
        apps.invalidate()
        documentFiles.forgetAll()
        store.invalidate([ChangeEvent(kind: .updated, id: 0, source: "reload")])  // the stores' own pages and lists
        notifyKernel(kernel)
        return "\(entries) memory entries, the disk tier, \(lists) query result lists"
    }

    /// Drops every query directory's result list and adds its names and listing to what the kernel
    /// must forget; returns how many lists there were.
    @discardableResult
    private func dropResultLists(into kernel: inout KernelInvalidations) -> Int {
        let dropped = queries.invalidateResults()
        for (slot, entries) in dropped {
            kernel.entries += entries.map { .init(parent: Node.query(slot).inode, name: $0.name) }
            kernel.inodes.append(Node.query(slot).inode)
        }
        return dropped.count
    }

    /// Tells the kernel (through the FUSE bridge, once attached) to forget `stale`.
    public func notifyKernel(_ stale: KernelInvalidations) {
        guard let kernel = notifier.withLock({ $0 }) else { return }
        for inode in stale.inodes { kernel.invalidateInode(inode) }
        for entry in stale.entries { kernel.invalidateEntry(parent: entry.parent, name: entry.name) }
        kernel.invalidateInode(Node.documents.inode)  // its listing, last: new names appear
    }
}
