import FoundationEssentials
import Glibc
import Store

/// Metadata as extended attributes (`getfattr -d`), under `user.recallfs.`:
///
/// - On every document file, wherever it appears (and on `images/` files): `id`, `library`,
///   `captured_at` (ISO 8601 in the mount's time zone), `app`, `window` and `url` where present,
///   `tags` (comma-separated), `source_path` (the original file) and `image` (its path under `images/`,
///   for image entities).
/// - On a query directory: `query` (normalised), `total` (matches before `limit:`), `backend`,
///   `took_ms`, and `ranking`: one line per result, `rank id score`. A result shares its inode with
///   `documents/` (one page cache, `find -samefile`), and the kernel does not say through which
///   directory a file was reached, so rank and score are on the directory, not on the file.
///
/// Names outside `user.recallfs.` (`security.selinux`, ACLs, which `ls -l` asks for) are ENODATA at
/// once, without a store call.
extension RecallFileSystem {
    public static let attributePrefix = "user.recallfs."

    /// The errno of a tag write the API could not take: EBUSY ("try again later"). EAGAIN would say
    /// it better, but Linux's FUSE (6.x) turns an EAGAIN answer to setxattr into EOPNOTSUPP, which
    /// says the opposite (measured on 6.18: EBUSY, EIO, ETIMEDOUT pass through unchanged).
    static let tryLater = EBUSY

    /// Every extended attribute of `inode`, names in full, in listing order.
    public func extendedAttributes(_ inode: UInt64) throws(FSError) -> [(name: String, value: String)] {
        try answer("listxattr", describe(inode)) {
            guard let node = Node(inode: inode) else { throw FSError(ENOENT) }
            let pairs: [(String, String)]
            switch node {
            case .document(let id), .image(let id): pairs = try documentAttributes(id)
            case .query(let slot):
                guard let name = queries.name(forSlot: slot) else { throw FSError(ENOENT) }
                pairs = try queryAttributes(try queries.results(for: name))
            default: pairs = []
            }
            return pairs.map { (Self.attributePrefix + $0.0, $0.1) }
        }
    }

    /// One attribute's value; ENODATA for a name the node does not have.
    public func extendedAttribute(_ inode: UInt64, name: String) throws(FSError) -> [UInt8] {
        guard name.hasPrefix(Self.attributePrefix) else { throw FSError(ENODATA) }
        guard let found = try extendedAttributes(inode).first(where: { $0.name == name }) else { throw FSError(ENODATA) }
        return Array(found.value.utf8)
    }

    func documentAttributes(_ id: Int64) throws -> [(String, String)] {
        guard let entity = try store.entity(id: id) else { throw FSError(ENOENT) }
        let summary = entity.summary
        let library = try store.libraries().first { $0.id == summary.libraryID }
        var pairs = [("id", String(id)), ("library", library?.name ?? String(summary.libraryID)),
                     ("captured_at", MountTimeZone.iso(summary.createdAt))]
        if let app = summary.app { pairs.append(("app", app)) }
        if let window = entity.value(for: "active_window") { pairs.append(("window", window)) }
        if let url = Self.url(entity) { pairs.append(("url", url)) }
        pairs.append(("tags", entity.tags.joined(separator: ",")))
        pairs.append(("source_path", entity.filepath))
        if entity.fileTypeGroup == "image" { pairs.append(("image", "images/" + FileNaming.imageName(summary))) }
        return pairs
    }

    /// A URL Pensieve recorded: a `url` or `browser_url` value, else the one a structured VLM
    /// description holds.
    static func url(_ entity: Entity) -> String? {
        if let direct = entity.value(for: "url") ?? entity.value(for: "browser_url"), !direct.isEmpty { return direct }
        for entry in entity.metadata where entry.key.hasPrefix("structured_vlm") {
            if let url = JSONValue.parse(Data(entry.value.utf8))?["url"]?.string, !url.isEmpty { return url }
        }
        return nil
    }

    func queryAttributes(_ results: QueryDirectories.Results) throws -> [(String, String)] {
        let total: String
        if let counted = try store.matchCount(results.request) {
            total = String(counted)
        } else {
            // Without a count (no index), fewer hits than the limit are all of them.
            total = results.hits.count < results.request.limit ? String(results.hits.count) : "\(results.hits.count)+"
        }
        let ranking = results.hits.map { hit in "\(hit.rank) \(hit.id) \(hit.score.map { $0.fixed(6) } ?? "-")\n" }.joined()
        return [("query", QueryParser.normalised(results.request)), ("total", total), ("backend", results.backend),
                ("took_ms", (results.seconds * 1000).fixed(3)), ("ranking", ranking)]
    }

    /// `setxattr`: with `--allow-tag-writes`, `user.recallfs.tags` on a document replaces its tags
    /// through Pensieve's API (comma-separated; blanks and repeats dropped), and every cache, the
    /// index and the kernel see the change at once. With the API down it fails (`tryLater`) with the
    /// reason, and nothing is written anywhere else. Everything else is EROFS.
    public func setExtendedAttribute(_ inode: UInt64, name: String, value: [UInt8]) throws(FSError) {
        let id: Int64
        switch Node(inode: inode) {
        case .document(let found)?, .image(let found)?: id = found
        default: throw refuseWrite("setxattr", inode)
        }
        guard options.allowTagWrites, name == Self.attributePrefix + "tags" else {
            let error = FSError(EROFS, options.allowTagWrites ? "only \(Self.attributePrefix)tags can be written"
                                                              : "tag writes are off (mount with --allow-tag-writes)")
            board.record(operation: "setxattr", path: describe(inode), errno: EROFS, reason: error.reason!)
            throw error
        }
        try answer("setxattr", describe(inode)) {
            guard let text = String(validating: value, as: UTF8.self) else { throw FSError(EINVAL, "tags must be UTF-8 text") }
            var tags: [String] = []
            for tag in text.split(separator: ",").map({ $0.trimmingWhitespace() }) where !tag.isEmpty && !tags.contains(tag) {
                tags.append(tag)
            }
            guard let primary else {
                throw FSError(EROFS, "tags are written through Pensieve's API, and this mount has none (--no-api); nothing was written")
            }
            guard try store.entitySummary(id: id) != nil else { throw FSError(ENOENT) }
            do {
                try primary.replaceTags(id: id, tags: tags)
            } catch StoreError.unavailable(let reason) {
                throw FSError(Self.tryLater, "the API is unavailable, so the tags of \(id) were not written (nothing is written to SQLite): \(reason)")
            } catch StoreError.invalid(let reason) {
                throw FSError(EINVAL, reason)
            } catch {
                throw FSError(Self.tryLater, "the API could not write the tags of \(id): \(error)")
            }
            board.logger.info("tags of document \(id) set to '\(tags.joined(separator: ","))' through the API")
            notifyKernel(invalidate([ChangeEvent(kind: .updated, id: id, source: "tags")]))
            afterWrite.withLock { $0 }?()
        }
    }

    /// Runs `hook` after each tag write (the daemon syncs its change feeds there).
    public func onWrite(_ hook: @escaping @Sendable () -> Void) { afterWrite.withLock { $0 = hook } }
}
