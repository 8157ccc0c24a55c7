import CFuse
import FoundationEssentials
import Glibc
import Tree

// The libfuse low-level callbacks. Each one decodes its arguments, calls `RecallFileSystem`, and sends
// exactly one reply. They are global functions because Swift 6 imports C function pointers as
// `@convention(c)`, which cannot capture context; the context comes from `fuse_req_userdata`.

@inline(__always) private func context(_ req: fuse_req_t?) -> FUSEContext {
    Unmanaged<FUSEContext>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
}

@inline(__always) private func tree(_ req: fuse_req_t?) -> RecallFileSystem { context(req).tree }

@inline(__always) private func fail(_ req: fuse_req_t?, _ error: FSError) { fuse_reply_err(req, error.errno) }

private func entryParam(_ tree: RecallFileSystem, _ attributes: NodeAttributes) -> fuse_entry_param {
    var entry = fuse_entry_param()
    entry.ino = attributes.inode
    entry.generation = 1
    entry.attr = StatConversion.stat(attributes, tree.options)
    entry.attr_timeout = tree.attributeTimeout(for: attributes.inode)
    entry.entry_timeout = tree.options.entryTimeout
    return entry
}

private func name(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }

/// The name of a lookup, mkdir or rmdir, checked as bytes (see `RecallFileSystem.decodeName`).
private func checkedName(_ fs: RecallFileSystem, _ pointer: UnsafePointer<CChar>?, parent: fuse_ino_t,
                         _ operation: String) throws(FSError) -> String {
    guard let pointer else { throw FSError(EINVAL) }
    return try fs.decodeName(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), parent: parent, operation: operation)
}

func opInit(_ userdata: UnsafeMutableRawPointer?, _ conn: UnsafeMutablePointer<fuse_conn_info>?) {
    guard let conn else { return }
    let wanted = UInt32(FUSE_CAP_READDIRPLUS)
    conn.pointee.want |= conn.pointee.capable & wanted
    // Let the kernel decide per listing whether readdirplus pays off (it does for `ls -l`).
    conn.pointee.want |= conn.pointee.capable & UInt32(FUSE_CAP_READDIRPLUS_AUTO)
    // A status file's new content must reach a reader whose kernel has its old pages: the kernel
    // drops them when a fresh getattr shows another mtime or size.
    conn.pointee.want |= conn.pointee.capable & UInt32(FUSE_CAP_AUTO_INVAL_DATA)
    // With atomic O_TRUNC the kernel would take an open with O_TRUNC as done by the server and empty
    // its idea of the file; without it, O_TRUNC comes as a setattr, which is EROFS.
    conn.pointee.want &= ~UInt32(FUSE_CAP_ATOMIC_O_TRUNC)
    if let userdata, conn.pointee.capable & UInt32(FUSE_CAP_NO_OPEN_SUPPORT) != 0 {
        Unmanaged<FUSEContext>.fromOpaque(userdata).takeUnretainedValue().opensInKernel.store(true, ordering: .relaxed)
    }
}

func opLookup(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?) {
    let fs = tree(req)
    do {
        var entry = entryParam(fs, try fs.lookup(parent: parent, name: checkedName(fs, rawName, parent: parent, "lookup")))
        fuse_reply_entry(req, &entry)
    } catch { fail(req, error) }
}

func opForget(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ nlookup: UInt64) {
    // Inodes are computed from ids, not allocated: nothing to release.
    fuse_reply_none(req)
}

func opForgetMulti(_ req: fuse_req_t?, _ count: Int, _ forgets: UnsafeMutablePointer<fuse_forget_data>?) {
    fuse_reply_none(req)
}

func opGetattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    let fs = tree(req)
    do {
        var st = StatConversion.stat(try fs.attributes(ino), fs.options)
        fuse_reply_attr(req, &st, fs.attributeTimeout(for: ino))
    } catch { fail(req, error) }
}

func opOpen(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    let fs = tree(req)
    guard let fi else { fuse_reply_err(req, EINVAL); return }
    let accessMode = cfuse_fi_flags(fi) & O_ACCMODE
    let truncating = cfuse_fi_flags(fi) & O_TRUNC != 0
    let writing = accessMode != O_RDONLY || truncating
    // ENOSYS tells the kernel to open every file by itself from now on (no open, no release, page
    // cache kept): reads then come by inode (`fh` 0). A write open is still refused first.
    if !writing && context(req).opensInKernel.load(ordering: .relaxed) {
        fuse_reply_err(req, ENOSYS)
        return
    }
    do {
        let opened = try fs.open(ino, writing: writing)
        fi.pointee.fh = opened.handle
        cfuse_fi_set_keep_cache(fi, opened.keepCache ? 1 : 0)
        cfuse_fi_set_direct_io(fi, opened.directIO ? 1 : 0)
        if fuse_reply_open(req, fi) != 0 { fs.release(handle: opened.handle) }
    } catch { fail(req, error) }
}

func opRead(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ size: Int, _ offset: off_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    let fs = tree(req)
    let handle = fi?.pointee.fh ?? 0
    do {
        let bytes = handle == 0 ? try fs.read(inode: ino, offset: Int64(offset), size: size)
                                : try fs.read(handle: handle, offset: Int64(offset), size: size)
        bytes.withUnsafeBytes { raw in _ = fuse_reply_buf(req, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count) }
    } catch { fail(req, error) }
}

func opRelease(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    if let fi, fi.pointee.fh != 0 { tree(req).release(handle: fi.pointee.fh) }
    fuse_reply_err(req, 0)
}

func opOpendir(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    let fs = tree(req)
    guard let fi else { fuse_reply_err(req, EINVAL); return }
    do {
        let opened = try fs.openDirectoryForKernel(ino)
        fi.pointee.fh = opened.handle
        cfuse_fi_set_cache_readdir(fi, opened.cacheListing ? 1 : 0)
        cfuse_fi_set_keep_cache(fi, opened.keepCachedListing ? 1 : 0)
        if fuse_reply_open(req, fi) != 0 { fs.releaseDirectory(handle: fi.pointee.fh) }
    } catch { fail(req, error) }
}

func opReleasedir(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    if let fi { tree(req).releaseDirectory(handle: fi.pointee.fh) }
    fuse_reply_err(req, 0)
}

func opReaddir(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ size: Int, _ offset: off_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    DirectoryReply.send(req, tree(req), ino, size: size, offset: offset, handle: fi?.pointee.fh ?? 0, plus: false)
}

func opReaddirplus(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ size: Int, _ offset: off_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    DirectoryReply.send(req, tree(req), ino, size: size, offset: offset, handle: fi?.pointee.fh ?? 0, plus: true)
}

func opMkdir(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ mode: mode_t) {
    let fs = tree(req)
    do {
        var entry = entryParam(fs, try fs.makeDirectory(parent: parent, name: checkedName(fs, rawName, parent: parent, "mkdir")))
        fuse_reply_entry(req, &entry)
    } catch { fail(req, error) }
}

func opRmdir(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?) {
    let fs = tree(req)
    do {
        try fs.removeDirectory(parent: parent, name: checkedName(fs, rawName, parent: parent, "rmdir"))
        fuse_reply_err(req, 0)
    } catch { fail(req, error) }
}

func opAccess(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ mask: Int32) {
    do {
        try tree(req).checkAccess(ino, write: mask & W_OK != 0)
        fuse_reply_err(req, 0)
    } catch { fail(req, error) }
}

func opStatfs(_ req: fuse_req_t?, _ ino: fuse_ino_t) {
    var st = statvfs()
    st.f_bsize = 4096
    st.f_frsize = 4096
    st.f_namemax = 255
    st.f_flag = UInt(ST_RDONLY)
    fuse_reply_statfs(req, &st)
}

// Everything that would change the tree, other than mkdir/rmdir under search/, is EROFS.
func opSetattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ attr: UnsafeMutablePointer<stat>?, _ toSet: Int32, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    fail(req, tree(req).refuseWrite("setattr", ino))
}
func opMknod(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ mode: mode_t, _ rdev: dev_t) {
    fail(req, tree(req).refuseWrite("mknod", parent, name(rawName)))
}
func opCreate(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ mode: mode_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    fail(req, tree(req).refuseWrite("create", parent, name(rawName)))
}
func opUnlink(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?) {
    fail(req, tree(req).refuseWrite("unlink", parent, name(rawName)))
}
func opSymlink(_ req: fuse_req_t?, _ link: UnsafePointer<CChar>?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?) {
    fail(req, tree(req).refuseWrite("symlink", parent, name(rawName)))
}
func opRename(_ req: fuse_req_t?, _ parent: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ newParent: fuse_ino_t, _ newName: UnsafePointer<CChar>?, _ flags: UInt32) {
    fail(req, tree(req).refuseWrite("rename", parent, name(rawName)))
}
func opLink(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ newParent: fuse_ino_t, _ newName: UnsafePointer<CChar>?) {
    fail(req, tree(req).refuseWrite("link", newParent, name(newName)))
}
func opWrite(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ buf: UnsafePointer<CChar>?, _ size: Int, _ off: off_t, _ fi: UnsafeMutablePointer<fuse_file_info>?) {
    fail(req, tree(req).refuseWrite("write", ino))
}
// Extended attributes (see `RecallFileSystem+ExtendedAttributes`). A zero `size` asks for the size.
private func replyXattr(_ req: fuse_req_t?, _ bytes: [UInt8], size: Int) {
    if size == 0 { fuse_reply_xattr(req, bytes.count); return }
    guard bytes.count <= size else { fuse_reply_err(req, ERANGE); return }
    bytes.withUnsafeBytes { raw in _ = fuse_reply_buf(req, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count) }
}

func opGetxattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ size: Int) {
    guard tree(req).options.extendedAttributes else { fuse_reply_err(req, ENOSYS); return }  // never asked again
    do { replyXattr(req, try tree(req).extendedAttribute(ino, name: name(rawName)), size: size) } catch { fail(req, error) }
}

func opListxattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ size: Int) {
    guard tree(req).options.extendedAttributes else { fuse_reply_err(req, ENOSYS); return }
    do {
        let names: [UInt8] = try tree(req).extendedAttributes(ino).flatMap { Array($0.name.utf8) + [UInt8(0)] }
        replyXattr(req, names, size: size)
    } catch { fail(req, error) }
}

func opSetxattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ rawName: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?, _ size: Int, _ flags: Int32) {
    let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
    do {
        try tree(req).setExtendedAttribute(ino, name: name(rawName), value: bytes)
        fuse_reply_err(req, 0)
    } catch { fail(req, error) }
}
func opRemovexattr(_ req: fuse_req_t?, _ ino: fuse_ino_t, _ rawName: UnsafePointer<CChar>?) {
    fail(req, tree(req).refuseWrite("removexattr", ino))
}

func makeLowLevelOperations() -> fuse_lowlevel_ops {
    var ops = fuse_lowlevel_ops()
    ops.`init` = opInit
    ops.lookup = opLookup
    ops.forget = opForget
    ops.forget_multi = opForgetMulti
    ops.getattr = opGetattr
    ops.setattr = opSetattr
    ops.mknod = opMknod
    ops.mkdir = opMkdir
    ops.unlink = opUnlink
    ops.rmdir = opRmdir
    ops.symlink = opSymlink
    ops.rename = opRename
    ops.link = opLink
    ops.open = opOpen
    ops.read = opRead
    ops.write = opWrite
    ops.release = opRelease
    ops.opendir = opOpendir
    ops.readdir = opReaddir
    ops.readdirplus = opReaddirplus
    ops.releasedir = opReleasedir
    ops.statfs = opStatfs
    ops.access = opAccess
    ops.create = opCreate
    ops.setxattr = opSetxattr
    ops.getxattr = opGetxattr
    ops.listxattr = opListxattr
    ops.removexattr = opRemovexattr
    return ops
}
