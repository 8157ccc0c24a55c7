import FoundationEssentials
import Glibc
import Store

extension RecallFileSystem {
    /// `opendir`: query directories snapshot their results here, so that offsets stay stable.
    public func openDirectory(_ inode: UInt64) throws(FSError) -> UInt64 { try openDirectoryForKernel(inode).handle }

    /// What `opendir` answers the kernel: a handle, and whether the kernel may cache the listing.
    public struct OpenDirectory: Sendable, Equatable {
        public var handle: UInt64
        /// The kernel may keep this listing in its page cache and serve later `readdir`s from it.
        public var cacheListing = false
        /// The listing the kernel cached at an earlier open is still right (else it drops it).
        public var keepCachedListing = false
    }

    /// `opendir`, with the caching advice for the kernel. A query directory's listing is cached by the
    /// kernel: a warm `grep -r` or `ls` over it then costs one opendir, not a listing. The cached copy
    /// is kept while the results are the same as at the last open; results recomputed after the
    /// result TTL that differ drop it here, and change events drop it through `notifyKernel`.
    public func openDirectoryForKernel(_ inode: UInt64) throws(FSError) -> OpenDirectory {
        try answer("opendir", describe(inode)) {
            guard let node = Node(inode: inode), node.isDirectory else { throw FSError(ENOTDIR) }
            if case .query(let slot) = node {
                guard let name = queries.name(forSlot: slot) else { throw FSError(ENOENT) }
                let entries = try queries.results(for: name).entries
                queries.remember(name)  // listed: now a saved query
                let same = queries.handOut(entries, slot: slot)
                return OpenDirectory(handle: handles.insert(.listing(entries)), cacheListing: true, keepCachedListing: same)
            }
            switch node {
            case .recent:
                return OpenDirectory(handle: handles.insert(.listing(try queries.results(for: Self.recentQuery).entries)))
            case .neighbourhood(let id):
                return OpenDirectory(handle: handles.insert(.listing(try neighbourhoodEntries(id))))
            default:
                let streamed = try streamedFilter(node) != nil
                return OpenDirectory(handle: handles.insert(.streamed(streamed ? ListingBuffer() : nil)))
            }
        }
    }

    public func releaseDirectory(handle: UInt64) { handles.remove(handle) }

    /// Entries of a directory after the offset `cookie` (0 = from the start), at most `count` of them.
    /// With `plus`, every entry's attributes are complete (readdirplus); otherwise only inode and type are.
    /// Large directories are read from the store page by page (keyset on entity id), so memory does not
    /// grow with the directory.
    public func readDirectory(_ inode: UInt64, handle: UInt64, after cookie: Int64, count: Int, plus: Bool) throws(FSError) -> [DirectoryEntry] {
        try answer("readdir", describe(inode)) {
            guard let node = Node(inode: inode) else { throw FSError(ENOENT) }
            let dots = [DirectoryEntry(name: ".", attributes: directoryAttributes(node), cookie: 1),
                        DirectoryEntry(name: "..", attributes: directoryAttributes(.root), cookie: 2)]
            let rest: [DirectoryEntry]
            if let filter = try streamedFilter(node) {
                let start = dots.filter { $0.cookie > cookie }
                var buffer: ListingBuffer?
                if case .streamed(let kept)? = handles.get(handle) { buffer = kept }
                rest = try streamedPage(node, filter: filter, afterID: cookie > 2 ? cookie - 2 : 0,
                                        count: max(1, count - start.count), plus: plus, buffer: buffer)
                return Array((start + rest).prefix(count))
            }
            switch node {
            case .query, .recent, .neighbourhood:
                guard case .listing(let entries)? = handles.get(handle) else { throw FSError(EBADF) }
                rest = entries
            case .root:
                rest = fixed(Self.rootChildren, plus: plus)
            case .statusDirectory:
                rest = fixed(StatusFile.allCases.map { ($0.rawValue, .statusFile($0)) }, plus: plus)
            case .libraries:
                rest = fixed(try documentFiles.libraries().map { (FileNaming.libraryName($0), .library($0.id)) }, plus: plus)
            case .search:
                rest = fixed(queries.listed.map { ($0, .query(queries.slot(for: $0))) }, plus: plus)
            default:
                guard let children = try fixedViewChildren(node) else { throw FSError(ENOTDIR) }
                rest = fixed(children, plus: plus)
            }
            return Array((dots + rest).filter { $0.cookie > cookie }.prefix(count))
        }
    }

    /// Small, fully known listings: cookies are positions after `.` and `..`.
    private func fixed(_ children: [(String, Node)], plus: Bool) -> [DirectoryEntry] {
        children.enumerated().map { position, child in
            let attributes = child.1.isDirectory ? directoryAttributes(child.1)
                : (plus ? (try? attributes(child.1.inode)) : nil)
                ?? fileAttributes(child.1, size: 0, modified: mountedAt, changed: mountedAt)
            return DirectoryEntry(name: child.0, attributes: attributes, cookie: Int64(position + 3))
        }
    }
}
