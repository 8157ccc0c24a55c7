import CFuse
import Synchronization
import Tree

/// Sends kernel cache invalidations for a live session (`fuse_lowlevel_notify_inval_*`). Calls made
/// after the session ended are dropped. These are only made from the event thread, never from inside
/// a request handler, which could deadlock against the kernel's locks.
final class SessionNotifier: KernelNotifier, @unchecked Sendable {
    private let session: OpaquePointer
    private let live = Mutex(true)

    init(session: OpaquePointer) { self.session = session }

    func end() { live.withLock { $0 = false } }

    func invalidateInode(_ inode: UInt64) {
        live.withLock { isLive in
            guard isLive else { return }
            _ = fuse_lowlevel_notify_inval_inode(session, inode, 0, 0)
        }
    }

    func invalidateEntry(parent: UInt64, name: String) {
        live.withLock { isLive in
            guard isLive else { return }
            _ = name.withCString { fuse_lowlevel_notify_inval_entry(session, parent, $0, name.utf8.count) }
        }
    }
}
