import FoundationEssentials
import Glibc
import Store

/// `images/`: the screenshot itself, original bytes, for image entities only.
///
/// The bytes come from the original file when this machine can read it (Pensieve records its path),
/// else from the API (`GET /api/files/…`, by range). Reads are streamed by range in both cases and
/// never held whole: the kernel's page cache is the only copy. The size is the file's own when it is
/// readable here, else the size Pensieve recorded, which is what the API serves.
final class ImageFiles: Sendable {
    let store: DocumentStore
    /// Pensieve's API, when the mount has one: serves the files this machine cannot read.
    let primary: (any WritablePrimary)?

    init(store: DocumentStore, primary: (any WritablePrimary)?) {
        self.store = store
        self.primary = primary
    }

    /// The image entity `id`, or nil when it does not exist or is not an image.
    func entity(_ id: Int64) throws -> Entity? {
        guard let entity = try store.entity(id: id), entity.fileTypeGroup == "image" else { return nil }
        return entity
    }

    /// What `stat` shows for an image entity.
    static func attributes(_ entity: Entity) -> NodeAttributes {
        var size = entity.size
        var st = stat()
        if stat(entity.filepath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(entity.filepath, R_OK) == 0 {
            size = Int64(st.st_size)
        }
        return NodeAttributes(inode: Node.image(entity.id).inode, isDirectory: false, permissions: 0o444, size: max(0, size),
                              modified: entity.summary.createdAt, changed: max(entity.lastScanAt, entity.summary.createdAt), links: 1)
    }

    func attributes(id: Int64) throws -> NodeAttributes {
        guard let entity = try entity(id) else { throw FSError(ENOENT) }
        return Self.attributes(entity)
    }

    /// A page of `images/`: named `<id>-<slug>.<ext>`, sized (with `plus`) from the entities.
    func page(_ listed: [ListedDocument], plus: Bool) throws -> [DirectoryEntry] {
        var sized: [Int64: NodeAttributes] = [:]
        if plus {
            try EntityBatches.forEach(listed.map(\.summary.id), load: store.entities(ids:)) { sized[$0.id] = Self.attributes($0) }
        }
        return listed.map { entry in
            let summary = entry.summary
            let attributes = sized[summary.id] ?? NodeAttributes(inode: Node.image(summary.id).inode, isDirectory: false, permissions: 0o444,
                                                                  size: 0, modified: summary.createdAt, changed: summary.createdAt, links: 1)
            return DirectoryEntry(name: FileNaming.imageName(summary), attributes: attributes, cookie: summary.id + 2)
        }
    }

    /// Up to `size` bytes at `offset` of image `id`: from the original file, else from the API.
    func read(id: Int64, offset: Int64, size: Int) throws -> ArraySlice<UInt8> {
        guard let entity = try entity(id) else { throw FSError(ENOENT) }
        let path = entity.filepath
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: size)
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, off_t(offset)) }
            if got >= 0 { return bytes[0..<got] }
        }
        let local = String(cString: strerror(errno))
        guard let primary else {
            throw FSError(EIO, "image \(id): cannot read \(path) (\(local)) and the mount has no API to ask")
        }
        do {
            return ArraySlice(try primary.fileBytes(path: path, offset: offset, count: size))
        } catch {
            throw FSError(EIO, "image \(id): cannot read \(path) here (\(local)), and the API cannot serve it (\(error))")
        }
    }
}
