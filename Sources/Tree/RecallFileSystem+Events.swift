import Foundation
import Cache
import Store

extension RecallFileSystem {
    func attach(events processor: EventProcessor) { events.withLock { $0 = processor } }

    /// The FUSE bridge registers itself here once the session exists.
    public func attach(notifier: any KernelNotifier) { self.notifier.withLock { $0 = notifier } }

    /// Applies changes: drops every cached answer they touch, then tells the kernel, so that an open
    /// shell sees new files in `documents/` and new results in `ls search/<q>` without a remount.
    public func apply(_ changes: [ChangeEvent]) {
        let kernel = notifier.withLock { $0 }
        var staleEntries: [(parent: UInt64, name: String)] = []
        for change in changes {
            let node = Node.document(change.id)
            if case .rendered(let rendered)? = tiered.get(.rendered(change.id)), change.kind != .added {
                staleEntries.append((Node.documents.inode, rendered.name))
                staleEntries.append((Node.library(rendered.libraryID).inode, rendered.name))
            }
            // The entity, its rendering and its chunks (on disk too): a removed document's text goes.
            caching?.invalidate(entity: change.id)
            tiered.removeDocument(change.id)
            failover?.api?.forget(id: change.id)
            openedVersions.withLock { _ = $0.removeValue(forKey: change.id) }
            if change.kind != .added { kernel?.invalidateInode(node.inode) }
        }
        // Result names carry ranks, so every cached result list may now name other documents.
        for (slot, entries) in queries.invalidateResults() {
            staleEntries += entries.map { (Node.query(slot).inode, $0.name) }
            kernel?.invalidateInode(Node.query(slot).inode)
        }
        guard let kernel else { return }
        for entry in staleEntries { kernel.invalidateEntry(parent: entry.parent, name: entry.name) }
        kernel.invalidateInode(Node.documents.inode)
    }

}
