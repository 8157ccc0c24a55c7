import FoundationEssentials
import Glibc
import Store
import Synchronization

/// What the tiered cache holds. Document chunks may go to disk; the rest lives in memory only.
public enum CacheKey: Hashable, Sendable {
    /// One chunk of a rendered document, at one version (hashed: versions are long strings, and there
    /// is a key per chunk).
    case piece(document: Int64, version: UInt64, index: Int)
    /// Size and version of a rendered document (so `stat` needs no rendering).
    case rendered(Int64)
    case entity(Int64)
    case libraries

    /// The key of chunk `index` of `document` rendered at `version`.
    public static func chunk(document: Int64, version: String, index: Int) -> CacheKey {
        // Stable across runs (disk-tier names derive from it); versions are long strings.
        .piece(document: document, version: StableHash.of(version), index: index)
    }

    /// The kinds of entries, typed (a string picked by hand would go stale silently).
    public enum Kind: String, Sendable, CaseIterable { case chunk, rendered, entity, libraries }

    public var kind: Kind {
        switch self {
        case .piece: return .chunk
        case .rendered: return .rendered
        case .entity: return .entity
        case .libraries: return .libraries
        }
    }

    /// The groups the memory tier indexes this key under: its kind, and its document if it has one.
    var groups: [EntryGroup] { [.kind(kind.rawValue)] + (document.map { [.document($0)] } ?? []) }

    /// The disk tier's key: chunks, and the size and version of documents that span several chunks.
    var diskKey: String? {
        switch self {
        case .piece(let document, let version, let index): return "doc/\(document)/\(String(version, radix: 16))/\(index)"
        case .rendered(let document): return "doc/\(document)/info"
        default: return nil
        }
    }

    var document: Int64? {
        switch self {
        case .piece(let document, _, _): return document
        case .rendered(let id), .entity(let id): return id
        default: return nil
        }
    }
}

/// What a rendered document looks like without its bytes.
public struct RenderedInfo: Sendable, Equatable {
    public var version: String
    public var name: String
    public var libraryID: Int64
    public var size: Int
    public var modified: Int64
    public var changed: Int64
    public init(version: String, name: String, libraryID: Int64, size: Int, modified: Int64, changed: Int64) {
        self.version = version; self.name = name; self.libraryID = libraryID; self.size = size
        self.modified = modified; self.changed = changed
    }

    /// One field per line (names and versions never hold a newline), for the disk tier.
    var encoded: [UInt8] { Array([version, name, String(libraryID), String(size), String(modified), String(changed)].joined(separator: "\n").utf8) }

    init?(encoded bytes: [UInt8]) {
        let f = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 6, let library = Int64(f[2]), let size = Int(f[3]), let modified = Int64(f[4]), let changed = Int64(f[5]) else { return nil }
        self.init(version: f[0], name: f[1], libraryID: library, size: size, modified: modified, changed: changed)
    }
}

public enum CacheValue: Sendable {
    case bytes([UInt8])
    case rendered(RenderedInfo)
    case entity(Entity)
    case libraries([Library])

    /// Approximate bytes held, for the memory tier's bound. Every entry carries the measured overhead of
    /// the tier's own structures (dictionary slot, queue ticket, ghost key, allocation), whatever its
    /// value: a million tiny entries (the entities of a million distinct lookups) must cost what they
    /// really take, not almost nothing.
    var cost: Int {
        switch self {
        case .bytes(let b): return b.count + Self.entryOverhead
        case .rendered(let r): return Self.entryOverhead + 120 + r.name.utf8.count + r.version.utf8.count
        case .entity(let e): return Self.entryOverhead + e.approximateBytes
        case .libraries(let l): return Self.entryOverhead + l.reduce(0) { $0 + 64 + $1.name.utf8.count }
        }
    }

    static let entryOverhead = 880
}

/// The two tiers behind one interface, steered by memory pressure.
///
/// Memory is an S3-FIFO bounded in bytes; an entry over 1/8 of the budget skips it (a chunk then goes
/// straight to disk). A chunk evicted from memory after being read is demoted to disk; one read once
/// is not. Each pressure level lowers the memory target; CRITICAL also refuses new entries over
/// 64 KiB and gives freed memory back to the OS (`malloc_trim`).
public final class TieredCache: Sendable {
    public let configuration: CacheConfiguration
    public let memory: MemoryTier<CacheKey, CacheValue>
    public let disk: DiskTier?
    /// When `configuration.tracePath` is set, every get and put is appended there, for `bench/cachesim`.
    let trace: CacheTrace?
    /// Shared with the memory tier's eviction handler, which runs outside `self`.
    final class Counters: Sendable {
        struct Values {
            var demotions = 0, promotions = 0, trims = 0
            var level = PressureLevel.normal
            var budget: Int
            var limit: Int? = nil
        }
        let state: Mutex<Values>
        init(budget: Int) { state = Mutex(Values(budget: budget)) }
        func withLock<T>(_ body: (inout Values) -> T) -> T { state.withLock { body(&$0) } }
    }
    private let counters: Counters
    /// Transient memory of renderings in progress, bounded by half the budget (see `follow`).
    public let working: WorkingMemory
    static let criticalAdmissionLimit = 64 << 10
    /// The share of the limit the daemon lives under (cgroup, else the machine) that the memory tier
    /// may use, once `processReserve` is set aside: the rest is the process itself (runtime, SQLite
    /// page caches, FUSE buffers, the index build), its transient buffers and the kernel's page cache.
    static let limitShare = 0.25
    /// What the process needs besides its caches (runtime, SQLite page caches, FUSE buffers, the index
    /// build): about 12 MB of anonymous memory idle, up to 24 MB during a first build under `grep -r`.
    static let processReserve = 24 << 20
    /// The memory tier never goes below this, however small the limit.
    static let minimumBudget = 2 << 20
    /// Working memory is at least this: one large document at a time can always be rendered.
    static let minimumWorkingBytes = 4 << 20

    public init(configuration: CacheConfiguration, diskDirectory: String?) throws {
        self.configuration = configuration
        counters = Counters(budget: configuration.memoryBytes)
        working = WorkingMemory(limitBytes: max(Self.minimumWorkingBytes, configuration.memoryBytes / 2))
        let disk = try diskDirectory.flatMap { dir in
            configuration.diskBytes > 0
                ? try DiskTier(directory: dir, maxBytes: configuration.diskBytes, minFreeBytes: configuration.minFreeDiskBytes) : nil
        }
        self.disk = disk
        trace = configuration.tracePath.flatMap(CacheTrace.init(path:))
        let counters = self.counters
        memory = MemoryTier(capacityBytes: configuration.memoryBytes, onEvict: { key, value, wasRead, reason in
            guard wasRead, reason == .capacity || reason == .pressure, let disk, let diskKey = key.diskKey,
                  case .bytes(let bytes) = value else { return }
            disk.put(diskKey, bytes)
            counters.withLock { $0.demotions += 1 }
        }, groupsOf: \.groups)
    }

    /// A memory-only cache of the default size (a disk tier is the only part whose creation can fail).
    public static func memoryOnly(_ configuration: CacheConfiguration = CacheConfiguration()) -> TieredCache {
        // Without a disk directory nothing can throw.
        guard let cache = try? TieredCache(configuration: configuration, diskDirectory: nil) else {
            fatalError("a memory-only TieredCache cannot fail")
        }
        return cache
    }

    public func get(_ key: CacheKey) -> CacheValue? {
        trace?.record("G", key, cost: nil)
        if let value = memory.get(key) { return value }
        guard let disk, let diskKey = key.diskKey, let bytes = disk.get(diskKey) else { return nil }
        let value: CacheValue
        if case .rendered = key {
            guard let info = RenderedInfo(encoded: bytes) else { return nil }
            value = .rendered(info)
        } else {
            value = .bytes(bytes)
        }
        counters.withLock { $0.promotions += 1 }
        memory.put(key, value, cost: value.cost, ttl: configuration.ttl(for: key), admissionLimit: admissionLimit)
        return value
    }

    /// Writes what the access trace (if any) still buffers; the daemon calls it at unmount.
    public func flushTrace() { trace?.flush() }

    public func put(_ key: CacheKey, _ value: CacheValue) {
        trace?.record("P", key, cost: value.cost)
        let admitted = memory.put(key, value, cost: value.cost, ttl: configuration.ttl(for: key), admissionLimit: admissionLimit)
        guard let disk, let diskKey = key.diskKey else { return }
        switch value {
        case .bytes(let bytes) where !admitted:
            disk.put(diskKey, bytes)  // too large for memory, or memory is critical: disk only
        case .rendered(let info) where info.size > configuration.chunkBytes:
            // A large document's size and version go to disk too, so that after a remount its chunks on
            // disk are used instead of rendering it again.
            disk.put(diskKey, info.encoded)
        default:
            break
        }
    }

    /// An entry over 1/8 of the effective budget skips memory; under CRITICAL, one over 64 KiB does.
    var admissionLimit: Int? {
        counters.withLock { c in min(c.level == .critical ? Self.criticalAdmissionLimit : Int.max, c.budget / 8) }
    }

    /// The memory budget in effect: the smaller of `--cache-memory` and a share of the limit.
    public var budget: Int { counters.withLock { $0.budget } }
    /// The limit the budget follows (bytes), once a pressure sample has given one.
    public var limit: Int? { counters.withLock { $0.limit } }

    /// Follows the memory limit the daemon lives under (re-read at every pressure sample): the budget
    /// becomes the smaller of the flag and `limitShare` of what the limit leaves after
    /// `processReserve`, and the tier shrinks at once if needed.
    public func follow(limitBytes: Int) {
        guard limitBytes > 0 else { return }
        let share = Int(Double(max(0, limitBytes - Self.processReserve)) * Self.limitShare)
        let budget = max(Self.minimumBudget, min(configuration.memoryBytes, share))
        let (changed, level) = counters.withLock { c -> (Bool, PressureLevel) in
            c.limit = limitBytes
            defer { c.budget = budget }
            return (c.budget != budget, c.level)
        }
        // Under a limit smaller than the flag asks for, disk-tier pages must not linger in the page
        // cache charged to the daemon (see `DiskTier.write`).
        disk?.setDropPageCache(budget < configuration.memoryBytes)
        if changed {
            working.limit = max(Self.minimumWorkingBytes, budget / 2)
            apply(level)
        }
    }

    /// Drops everything about a document, in both tiers (it changed or was removed): only its own
    /// entries are looked at (each tier keeps an index by document).
    public func removeDocument(_ id: Int64) {
        memory.removeAll(inGroup: .document(id))
        disk?.removeDocument(id)
    }

    /// Drops every entry of both tiers (SIGHUP: every cached answer goes).
    public func removeEverything() {
        memory.removeAll { _ in true }
        disk?.remove(prefix: "")
        releaseFreedMemory()
    }

    /// Drops every entry of one kind (the library list after a change).
    public func removeAll(_ kind: CacheKey.Kind) { memory.removeAll(inGroup: .kind(kind.rawValue)) }

    /// Applies a pressure level: the memory target drops with it.
    public func apply(_ level: PressureLevel) {
        let fraction = configuration.policy.targetFractions[level.rawValue]
        let budget = counters.withLock { $0.level = level; return $0.budget }
        memory.setTarget(Int(Double(budget) * fraction))
        if level == .critical { releaseFreedMemory() }
    }

    /// Returns freed heap pages to the OS (`malloc_trim`) after a burst of work (see `IdleTrimPolicy`),
    /// counted with the pressure trims.
    public func releaseFreedMemory() {
        _ = glibcMallocTrim(0)
        counters.withLock { $0.trims += 1 }
    }

    public var level: PressureLevel { counters.withLock { $0.level } }
    public var demotions: Int { counters.withLock { $0.demotions } }
    public var promotions: Int { counters.withLock { $0.promotions } }
    public var trims: Int { counters.withLock { $0.trims } }
}

/// Sizes, TTLs and thresholds of the cache: `--cache-memory`, `--cache-disk`, `--preset` and `RECALLFS_*`.
public struct CacheConfiguration: Sendable, Equatable {
    public var preset = "default"
    public var memoryBytes = 128 << 20
    public var diskBytes = 1 << 30
    /// The disk tier stops growing when its filesystem has less free space than this.
    public var minFreeDiskBytes = 512 << 20
    public var chunkBytes = 1 << 20
    /// How long a query directory's result list is reused (the tree keeps it; see `QueryDirectories`).
    public var searchTTL: TimeInterval = 300
    public var entityTTL: TimeInterval = 300
    public var librariesTTL: TimeInterval = 30
    /// Rendered documents carry their version in the key, so they only need a long safety TTL.
    public var documentTTL: TimeInterval = 3600
    public var sampleInterval: Double = 1
    /// Where to record every get and put (`RECALLFS_CACHE_TRACE`, for `bench/cachesim`), if anywhere.
    public var tracePath: String?
    public var policy = PressurePolicy()
    public init() {}

    /// The per-environment settings: `dev` (small and quick to notice pressure), `prod` (generous),
    /// `constrained` (small devices and tight containers: small tiers, early pressure levels).
    public static func preset(_ name: String) -> CacheConfiguration? {
        var c = CacheConfiguration()
        c.preset = name
        switch name {
        case "default": break
        case "dev":
            c.memoryBytes = 64 << 20; c.diskBytes = 256 << 20; c.searchTTL = 60; c.entityTTL = 60
        case "prod":
            c.memoryBytes = 256 << 20; c.diskBytes = 4 << 30; c.minFreeDiskBytes = 1 << 30
        case "constrained":
            c.memoryBytes = 16 << 20; c.diskBytes = 128 << 20; c.minFreeDiskBytes = 256 << 20
            c.policy.usedThresholds = [0.60, 0.70, 0.80]
            c.policy.targetFractions = [1.0, 0.5, 0.25, 0.1]
        default: return nil
        }
        return c
    }

    func ttl(for key: CacheKey) -> TimeInterval? {
        switch key {
        case .entity: return entityTTL
        case .libraries: return librariesTTL
        case .piece, .rendered: return documentTTL
        }
    }
}

/// glibc's `malloc_trim` (in `<malloc.h>`, which Swift's Glibc module does not import): returns freed
/// heap pages to the OS under CRITICAL pressure.
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32

/// An access trace: `G <key>` for a lookup, `P <key> <bytes>` for a store, one per line. Lines are
/// buffered and written 256 KiB at a time (a write per lookup made a traced mount measurably slower
/// than an untraced one, which the cache benchmark times); `flush` writes the rest at unmount.
final class CacheTrace: Sendable {
    private let state: Mutex<(fd: Int32, buffer: [UInt8])>
    static let bufferBytes = 256 << 10

    init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        state = Mutex((fd, []))
    }

    deinit { flush(); state.withLock { _ = close($0.fd) } }

    func record(_ operation: String, _ key: CacheKey, cost: Int?) {
        let name: String
        switch key {
        case .piece(let d, let v, let i): name = "chunk/\(d)/\(v & 0xffff)/\(i)"
        case .rendered(let d): name = "rendered/\(d)"
        case .entity(let d): name = "entity/\(d)"
        case .libraries: name = "libraries"
        }
        let line = cost.map { "\(operation) \(name) \($0)\n" } ?? "\(operation) \(name)\n"
        state.withLock { s in
            s.buffer.append(contentsOf: line.utf8)
            if s.buffer.count >= Self.bufferBytes { Self.write(&s) }
        }
    }

    func flush() { state.withLock { Self.write(&$0) } }

    private static func write(_ s: inout (fd: Int32, buffer: [UInt8])) {
        var done = 0
        while done < s.buffer.count {
            let n = s.buffer[done...].withUnsafeBytes { Glibc.write(s.fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            done += n
        }
        s.buffer.removeAll(keepingCapacity: true)
    }
}
