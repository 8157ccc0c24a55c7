import FoundationEssentials
import Glibc
import Logging
import Store
import Synchronization

/// The disk tier: one file per entry under `<cache dir>/blocks`, bounded by `maxBytes` and by a minimum
/// of free space on its filesystem, least recently used out first.
///
/// File layout: magic `RCFS`, format version (1 byte), 3 reserved bytes, key length (UInt32 LE), value
/// length (UInt64 LE), CRC-32C of key and value (UInt32 LE), the key, the value. A file is written to a
/// temporary name and renamed, and every read checks the whole header and the checksum, so a crash in
/// the middle of a write (or a flipped bit) can never be served: the file is dropped and counted.
public final class DiskTier: Sendable {
    static let magic: [UInt8] = Array("RCFS".utf8)
    static let version: UInt8 = 1
    static let headerSize = 24

    public struct Stats: Sendable, Equatable {
        public var hits = 0, misses = 0, entries = 0, bytes = 0, writes = 0, writeFailures = 0
        public var evictions: [EvictionReason: Int] = [:]
        public init() {}
    }
    struct Item { var file: String; var size: Int; var lastUse: UInt64 }
    struct State {
        var items: [String: Item] = [:]; var bytes = 0; var clock: UInt64 = 0; var stats = Stats()
        /// Keys in order of use, with the use they record; an entry is stale when the item was used
        /// again since (or is gone). Eviction pops from the front: no scan of every entry.
        var uses: [(key: String, use: UInt64)] = []; var usesHead = 0
        var writeProblem: (reason: String, at: Date)?
        /// Keys by document (`doc/<id>/…`), so that dropping a document looks at its own files only.
        var byDocument: [Int64: Set<String>] = [:]

        mutating func insert(_ key: String, _ item: Item) {
            items[key] = item
            if let id = DiskTier.document(of: key) { byDocument[id, default: []].insert(key) }
        }

        mutating func removeItem(_ key: String) -> Item? {
            guard let item = items.removeValue(forKey: key) else { return nil }
            if let id = DiskTier.document(of: key) {
                byDocument[id]?.remove(key)
                if byDocument[id]?.isEmpty == true { byDocument.removeValue(forKey: id) }
            }
            return item
        }

        mutating func touch(_ key: String, _ item: inout Item) {
            clock += 1
            item.lastUse = clock
            uses.append((key, clock))
            if uses.count > 64 && usesHead > uses.count / 2 { uses.removeFirst(usesHead); usesHead = 0 }
            if uses.count > 4 * max(64, items.count) { compact() }
        }

        mutating func compact() {
            uses = items.map { ($0.key, $0.value.lastUse) }.sorted { $0.use < $1.use }
            usesHead = 0
        }

        /// Removes and returns the least recently used item.
        mutating func popOldest() -> Item? {
            while usesHead < uses.count {
                let (key, use) = uses[usesHead]
                usesHead += 1
                if let item = items[key], item.lastUse == use {
                    _ = removeItem(key)
                    bytes -= item.size
                    return item
                }
            }
            return nil
        }
    }

    public let directory: String
    public let maxBytes: Int
    public let minFreeBytes: Int
    private let state = Mutex(State())
    private let logger = Logger(label: "recallfs.disk-tier")

    /// Opens (creating 0700) `directory`, removes half-written temporaries, and indexes the entries
    /// already there (a corrupt one is deleted).
    public init(directory: String, maxBytes: Int, minFreeBytes: Int) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        // The space kept free is at most 5% of the filesystem: on a small one, a fixed 512 MB would
        // turn the tier off entirely.
        var fs = statvfs()
        let total = statvfs(directory, &fs) == 0 ? Int(fs.f_blocks) * Int(fs.f_frsize) : Int.max
        self.minFreeBytes = min(minFreeBytes, total / 20)
        var loaded = State()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = directory + "/" + name
            guard name.hasSuffix(".blk") else { unlink(path); continue }  // temporaries of a crashed write
            // A file must sit under its own key's name; one that does not (or is damaged) is dropped.
            guard let (key, size) = Self.readHeader(path), path == Self.path(for: key, in: directory) else {
                unlink(path)
                loaded.stats.evictions[.corrupt, default: 0] += 1
                continue
            }
            var item = Item(file: path, size: size, lastUse: 0)
            loaded.touch(key, &item)
            loaded.insert(key, item)
            loaded.bytes += size
        }
        state.withLock { $0 = loaded }
        trim()
    }

    func path(for key: String) -> String { Self.path(for: key, in: directory) }

    static func path(for key: String, in directory: String) -> String {
        directory + "/" + String(StableHash.of(key), radix: 16) + ".blk"
    }

    public func get(_ key: String) -> [UInt8]? {
        guard let item = state.withLock({ s -> Item? in
            guard var item = s.items[key] else { s.stats.misses += 1; return nil }
            s.touch(key, &item)
            s.items[key] = item
            return item
        }) else { return nil }
        guard let bytes = Self.read(item.file, key: key, dropPageCache: dropPageCache) else {
            // Only the reader that still finds this very item drops it: a second reader of the same
            // corrupt file, or one racing a rewrite, must neither count it twice nor unlink a good file.
            let dropped = state.withLock { s -> Bool in
                s.stats.misses += 1
                guard let current = s.items[key], current.lastUse == item.lastUse else { return false }
                _ = s.removeItem(key)
                s.bytes -= current.size
                s.stats.evictions[.corrupt, default: 0] += 1
                unlink(current.file)
                return true
            }
            if dropped { logger.warning("disk tier: dropped a corrupt entry (\(item.file))") }
            return nil
        }
        state.withLock { $0.stats.hits += 1 }
        return bytes
    }

    /// Writes `bytes` under `key` (temp file, then rename), then makes room. Best-effort: a full or
    /// read-only filesystem costs a disk copy, never a read; the reason is kept for health.
    public func put(_ key: String, _ bytes: [UInt8]) {
        let size = bytes.count + Self.headerSize + key.utf8.count
        guard maxBytes > 0, size <= maxBytes else { return }
        // Short of free space: skip the write (rather than write, then evict it at once). The free
        // space is read once per write (one statvfs), and `trim` is told what it was.
        let free = freeBytes()
        guard free - size >= minFreeBytes else {
            state.withLock { $0.stats.writeFailures += 1; $0.writeProblem = ("its filesystem is nearly full (\(minFreeBytes >> 20) MB kept free)", Date()) }
            trim(freeBytes: free)
            return
        }
        let file = path(for: key)
        let temporary = file + ".tmp\(UInt64.random(in: 0...UInt64.max))"
        guard Self.write(temporary, key: key, value: bytes, dropPageCache: dropPageCache) else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            state.withLock { $0.stats.writeFailures += 1; $0.writeProblem = ("cannot write in \(directory): \(reason)", Date()) }
            return
        }
        // Rename and bookkeeping under one lock, so that an eviction or a corrupt-entry drop of this
        // key can never unlink the file just renamed into place.
        state.withLock { s in
            guard rename(temporary, file) == 0 else {
                s.stats.writeFailures += 1
                s.writeProblem = ("cannot write in \(directory): \(String(cString: strerror(errno)))", Date())
                unlink(temporary)
                return
            }
            if let old = s.items[key] { s.bytes -= old.size }
            var item = Item(file: file, size: size, lastUse: 0)
            s.touch(key, &item)
            s.insert(key, item)
            s.bytes += size
            s.stats.writes += 1
            s.writeProblem = nil
        }
        trim(freeBytes: free - size)
    }

    /// Set when the daemon lives in a memory limit (see `write`).
    private let dropsPageCache = Mutex(false)
    var dropPageCache: Bool { dropsPageCache.withLock { $0 } }
    public func setDropPageCache(_ drop: Bool) { dropsPageCache.withLock { $0 = drop } }

    /// Why the last write failed and when, until a write succeeds (for `.status/health`).
    public var writeProblem: (reason: String, at: Date)? { state.withLock { $0.writeProblem } }

    /// Deletes every entry of document `id` (removed or changed), looking at its own entries only.
    public func removeDocument(_ id: Int64) {
        state.withLock { s in
            let items = (s.byDocument[id] ?? []).compactMap { s.removeItem($0) }
            for item in items { s.bytes -= item.size; unlink(item.file) }
            s.stats.evictions[.invalidated, default: 0] += items.count
        }
    }

    /// Deletes every entry whose key starts with `prefix` (a scan of every key: maintenance and tests;
    /// events use `removeDocument`).
    public func remove(prefix: String) {
        state.withLock { s in
            let items = s.items.keys.filter { $0.hasPrefix(prefix) }.compactMap { s.removeItem($0) }
            for item in items { s.bytes -= item.size; unlink(item.file) }
            s.stats.evictions[.invalidated, default: 0] += items.count
        }
    }

    /// The document a key belongs to: keys of documents are `doc/<id>/…`.
    static func document(of key: String) -> Int64? {
        guard key.hasPrefix("doc/") else { return nil }
        return Int64(key.dropFirst(4).prefix { $0 != "/" })
    }

    public var stats: Stats { state.withLock { s in var stats = s.stats; stats.entries = s.items.count; stats.bytes = s.bytes; return stats } }

    /// Evicts least recently used entries while over `maxBytes` or short of free space. Free space is
    /// read once (outside the lock); each eviction pops the oldest use, with no scan.
    func trim(freeBytes free: Int? = nil) {
        var shortBy = minFreeBytes - (free ?? freeBytes())
        state.withLock { s in
            while s.bytes > maxBytes || shortBy > 0, let victim = s.popOldest() {
                s.stats.evictions[.capacity, default: 0] += 1
                unlink(victim.file)
                shortBy -= victim.size
            }
        }
    }

    func freeBytes() -> Int {
        var fs = statvfs()
        guard statvfs(directory, &fs) == 0 else { return Int.max }
        return Int(fs.f_bavail) * Int(fs.f_frsize)
    }

    // MARK: - File format

    static func header(key: [UInt8], value: [UInt8]) -> [UInt8] {
        var crc = key.withUnsafeBytes { CRC32C.update(0, $0) }
        crc = value.withUnsafeBytes { CRC32C.update(crc, $0) }
        var out = magic + [version, 0, 0, 0]
        out += withUnsafeBytes(of: UInt32(key.count).littleEndian, Array.init)
        out += withUnsafeBytes(of: UInt64(value.count).littleEndian, Array.init)
        out += withUnsafeBytes(of: crc.littleEndian, Array.init)
        return out
    }

    /// Writes one entry file. With `dropPageCache`, the data is flushed and its pages dropped at once:
    /// in a cgroup v1 memory limit, dirty page cache is charged to the daemon and is not throttled,
    /// so a `grep -r` demoting hundreds of chunks would otherwise be OOM-killed for pages it never needs.
    static func write(_ path: String, key: String, value: [UInt8], dropPageCache: Bool = false) -> Bool {
        let keyBytes = Array(key.utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return false }
        defer {
            if dropPageCache { _ = fdatasync(fd); _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) }
            close(fd)
        }
        for part in [header(key: keyBytes, value: value), keyBytes, value] {
            var written = 0
            while written < part.count {
                let n = part.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, part.count - written) }
                guard n > 0 else { return false }
                written += n
            }
        }
        return true
    }

    /// The key and total file size, if the header is valid and the file has the length it announces.
    static func readHeader(_ path: String) -> (String, Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func read(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
            return Array(bytes.prefix(max(0, n)))
        }
        let head = read(headerSize)
        guard let (keyLength, valueLength, _) = parse(head) else { return nil }
        let key = read(keyLength)
        let size = lseek(fd, 0, SEEK_END)
        guard key.count == keyLength, size >= 0, Int(size) == headerSize + keyLength + valueLength else { return nil }
        return (String(decoding: key, as: UTF8.self), Int(size))
    }

    /// Entries are document chunks; anything announcing more than this is a damaged header.
    static let maxValueBytes = 1 << 40

    static func parse(_ head: [UInt8]) -> (Int, Int, UInt32)? {
        guard head.count == headerSize, Array(head[0..<4]) == magic, head[4] == version else { return nil }
        func le<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            head[at..<(at + MemoryLayout<T>.size)].reversed().reduce(T(0)) { $0 << 8 | T($1) }
        }
        // A flipped bit in a length must read as damage, not trap in a conversion or a sum.
        let valueLength = le(12, UInt64.self)
        guard valueLength <= UInt64(maxValueBytes) else { return nil }
        return (Int(le(8, UInt32.self)), Int(valueLength), le(20, UInt32.self))
    }

    /// The value, if the header, key, length and checksum all check out.
    static func read(_ path: String, key: String, dropPageCache: Bool = false) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer {
            if dropPageCache { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) }
            close(fd)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let keyBytes = Array(key.utf8)
        var head = [UInt8](repeating: 0, count: headerSize + keyBytes.count)
        guard readFully(fd, &head, count: head.count),
              let (keyLength, valueLength, crc) = parse(Array(head[0..<headerSize])), keyLength == keyBytes.count,
              Int(st.st_size) == headerSize + keyLength + valueLength, Array(head[headerSize...]) == keyBytes else { return nil }
        // The value is read straight into the array that is returned: one copy, not three.
        var value = [UInt8](repeating: 0, count: valueLength)
        guard readFully(fd, &value, count: valueLength) else { return nil }
        let sum = value.withUnsafeBytes { CRC32C.update(keyBytes.withUnsafeBytes { CRC32C.update(0, $0) }, $0) }
        return sum == crc ? value : nil
    }

    private static func readFully(_ fd: Int32, _ buffer: inout [UInt8], count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, count - done) }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
