import CFuse
import FoundationEssentials
import Glibc
import Tree

/// Packs directory entries into one readdir(plus) reply buffer of at most `size` bytes.
enum DirectoryReply {
    /// Rough bytes per entry, to ask the tree for about as many entries as will fit.
    static let plainEntryBytes = 48
    static let plusEntryBytes = 200

    static func send(_ req: fuse_req_t?, _ fs: RecallFileSystem, _ ino: fuse_ino_t, size: Int, offset: off_t,
                     handle: UInt64, plus: Bool) {
        let wanted = max(4, size / (plus ? plusEntryBytes : plainEntryBytes) + 2)
        let entries: [DirectoryEntry]
        do {
            entries = try fs.readDirectory(ino, handle: handle, after: Int64(offset), count: wanted, plus: plus)
        } catch {
            fuse_reply_err(req, error.errno)
            return
        }
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { buffer.deallocate() }
        var used = 0
        for entry in entries {
            let remaining = size - used
            let needed: Int = entry.name.withCString { cName in
                if plus {
                    var param = fuse_entry_param()
                    param.ino = entry.attributes.inode
                    param.generation = 1
                    param.attr = StatConversion.stat(entry.attributes, fs.options)
                    param.attr_timeout = fs.attributeTimeout(for: entry.attributes.inode)
                    param.entry_timeout = fs.options.entryTimeout
                    // `.` and `..` must not carry an entry: the kernel would count a lookup on them.
                    if entry.name == "." || entry.name == ".." { param = fuse_entry_param(); param.attr.st_ino = ino_t(entry.attributes.inode); param.attr.st_mode = S_IFDIR }
                    return fuse_add_direntry_plus(req, buffer + used, remaining, cName, &param, off_t(entry.cookie))
                } else {
                    var st = StatConversion.stat(entry.attributes, fs.options)
                    return fuse_add_direntry(req, buffer + used, remaining, cName, &st, off_t(entry.cookie))
                }
            }
            if needed > remaining { break }
            used += needed
        }
        fuse_reply_buf(req, buffer, used)
    }
}
