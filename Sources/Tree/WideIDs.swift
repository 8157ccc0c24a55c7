import Synchronization

/// Inodes for ids that do not fit the computed scheme of `Node` (zero, negative, 2^40 and above).
///
/// Pensieve's ids are small positive integers, but a crafted, migrated or foreign database can hold any
/// Int64. Those ids get inodes from a counter in a range of their own and keep them for the life of
/// the mount, so two ids never share an inode and no arithmetic on an id can trap. The table only
/// grows with such unusual ids, and is capped: past the cap the oldest mapping is reused, which at worst
/// makes the kernel ask again (ESTALE-like ENOENT) for an id it has not seen for a long time.
final class WideIDs: Sendable {
    enum Kind: UInt8, Sendable { case document, library, image, neighbourhood }

    static let shared = WideIDs()
    static let capacity = 1 << 20

    private struct State {
        var inodes: [Key: UInt64] = [:]
        var ids: [UInt64: Key] = [:]
        var next: UInt64 = Node.wideBase
    }
    private struct Key: Hashable { var kind: Kind; var id: Int64 }
    private let state = Mutex(State())

    func inode(_ kind: Kind, _ id: Int64) -> UInt64 {
        let key = Key(kind: kind, id: id)
        return state.withLock { s in
            if let inode = s.inodes[key] { return inode }
            if s.ids.count >= Self.capacity, let oldest = s.ids.keys.min() {
                s.inodes.removeValue(forKey: s.ids.removeValue(forKey: oldest)!)
            }
            let inode = s.next
            s.next += 1
            s.inodes[key] = inode
            s.ids[inode] = key
            return inode
        }
    }

    func id(forInode inode: UInt64) -> (Kind, Int64)? {
        state.withLock { s in s.ids[inode].map { ($0.kind, $0.id) } }
    }
}
