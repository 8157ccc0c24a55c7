import ArgumentParser
import Cache
import FUSEBridge
import Foundation
import Logging
import StatusFiles
import Store
import Tree

/// `recallfs mount MOUNTPOINT`: returns once the mount is live, then serves in the background.
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount Pensieve (API first, SQLite fallback). Returns once the mount is live, or with a clear error.")

    @Argument(help: "An existing directory to mount on.")
    var mountpoint: String

    @Option(help: "Pensieve's SQLite database (env RECALLFS_DB; default: ~/.memos/database.db).")
    var db: String?

    @Option(help: "Pensieve's API (env RECALLFS_API; default: http://127.0.0.1:8839).")
    var api: String?

    @Flag(name: .customLong("no-api"), help: "Read the database only; do not use Pensieve's API.")
    var noAPI = false

    @Flag(name: .customLong("allow-remote-api"), help: "Allow an API URL that is not on loopback.")
    var allowRemoteAPI = false

    @Option(name: .customLong("cache-dir"), help: "Private cache directory (index, saved queries, log).")
    var cacheDir: String?

    @Flag(help: "Stay in the foreground and log to stderr.")
    var foreground = false

    @Flag(help: "Verbose logging, including libfuse's request trace.")
    var debug = false

    @Option(name: .customShort("o"), help: "Extra mount options, comma-separated (e.g. allow_other).")
    var options: [String] = []

    @Option(name: .customLong("api-timeout"), help: "Seconds an API request may take before SQLite answers (env RECALLFS_API_TIMEOUT).")
    var apiTimeout: Double = Settings.double("RECALLFS_API_TIMEOUT") ?? 2

    @Option(name: .customLong("health-interval"), help: "Seconds between API health checks (env RECALLFS_HEALTH_INTERVAL).")
    var healthInterval: Double = Settings.double("RECALLFS_HEALTH_INTERVAL") ?? 30

    @Option(name: .customLong("poll-interval"), help: "Seconds between polls for changed entities (env RECALLFS_POLL_INTERVAL).")
    var pollInterval: Double = Settings.double("RECALLFS_POLL_INTERVAL") ?? 30

    @Option(name: .customLong("cache-ttl"), help: "Seconds search results and entities are reused (env RECALLFS_CACHE_TTL).")
    var cacheTTL: Double = Settings.double("RECALLFS_CACHE_TTL") ?? 300

    @Option(name: .customLong("attr-timeout"), help: "Seconds the kernel may cache attributes and names (> 0).")
    var attrTimeout: Double = 1

    @Option(name: .customLong("cache-memory"), help: "Memory tier budget, e.g. 128M (env RECALLFS_CACHE_MEMORY).")
    var cacheMemory: String? = Settings.string("RECALLFS_CACHE_MEMORY")

    @Option(name: .customLong("cache-disk"), help: "Disk tier budget, e.g. 1G; 0 turns it off (env RECALLFS_CACHE_DISK).")
    var cacheDisk: String? = Settings.string("RECALLFS_CACHE_DISK")

    @Option(help: "Cache and pressure settings: dev, prod or constrained (env RECALLFS_PRESET).")
    var preset: String = Settings.string("RECALLFS_PRESET") ?? "default"

    @Option(name: .customLong("max-saved-queries"), help: "How many listed queries `ls search/` keeps (least recently listed go first).")
    var maxSavedQueries: Int = 1000

    @Option(name: .customLong("index-wait"), help: "Seconds a search waits for the first index build before EAGAIN.")
    var indexWait: Double = 2

    @Option(name: .customLong("api-max-body"), help: "Largest API response accepted, e.g. 32M.")
    var apiMaxBody: String = "32M"

    func validate() throws {
        // Environment values are checked like flags: a typo must not silently become the default.
        for name in ["RECALLFS_API_TIMEOUT", "RECALLFS_HEALTH_INTERVAL", "RECALLFS_POLL_INTERVAL", "RECALLFS_CACHE_TTL"] {
            if let raw = Settings.string(name), !(Double(raw)?.isFinite ?? false) {
                throw ValidationError("\(name)=\(raw) is not a number of seconds")
            }
        }
        try Self.seconds("--attr-timeout", attrTimeout, above: 0, max: 3600)
        try Self.seconds("--api-timeout", apiTimeout, above: 0, max: 600)
        try Self.seconds("--poll-interval", pollInterval, above: 0, max: 86_400)
        try Self.seconds("--health-interval", healthInterval, above: 0, max: 86_400)
        try Self.seconds("--cache-ttl", cacheTTL, atLeast: 0, max: 30 * 86_400)
        try Self.seconds("--index-wait", indexWait, atLeast: 0, max: 600)
        guard (1...1_000_000).contains(maxSavedQueries) else {
            throw ValidationError("--max-saved-queries must be from 1 to 1000000 (got \(maxSavedQueries))")
        }
        _ = try apiMaxBodyBytes()
        _ = try cacheConfiguration()
    }

    /// A number of seconds: finite, in range, with one line saying what is allowed.
    static func seconds(_ flag: String, _ value: Double, above: Double? = nil, atLeast: Double? = nil, max: Double) throws {
        let low = above.map { value > $0 } ?? atLeast.map { value >= $0 } ?? true
        guard value.isFinite, low, value <= max else {
            let bound = above.map { "above \($0)" } ?? "at least \(atLeast ?? 0)"
            throw ValidationError("\(flag) must be a number of seconds \(bound) and at most \(Int(max)) (got \(value))")
        }
    }

    func apiMaxBodyBytes() throws -> Int {
        guard let bytes = ByteSize.parse(apiMaxBody), (64 << 10)...(1 << 30) ~= bytes else {
            throw ValidationError("--api-max-body needs a size from 64K to 1G (got '\(apiMaxBody)')")
        }
        return bytes
    }

    /// The preset, then `--cache-memory`, `--cache-disk` and `--cache-ttl` over it.
    func cacheConfiguration() throws -> CacheConfiguration {
        guard var configuration = CacheConfiguration.preset(preset) else {
            throw ValidationError("--preset must be dev, prod or constrained (got '\(preset)')")
        }
        if let cacheMemory {
            guard let bytes = ByteSize.parse(cacheMemory), (1 << 20)...(1 << 40) ~= bytes else {
                throw ValidationError("--cache-memory needs a size from 1M to 1T, like 64M or 1G (got '\(cacheMemory)')")
            }
            configuration.memoryBytes = bytes
        }
        if let cacheDisk {
            guard let bytes = ByteSize.parse(cacheDisk), bytes <= 1 << 44 else {
                throw ValidationError("--cache-disk needs a size up to 16T, like 512M, 2G or 0 (got '\(cacheDisk)')")
            }
            configuration.diskBytes = bytes
        }
        if Settings.string("RECALLFS_CACHE_TTL") != nil || cacheTTL != 300 {
            configuration.searchTTL = cacheTTL
            configuration.entityTTL = cacheTTL
        }
        return configuration
    }

    func run() throws {
        let mountpoint = Mountpoint.absolute(self.mountpoint)
        let plan = StorePlan(db: db, api: api, noAPI: noAPI, allowRemoteAPI: allowRemoteAPI)
        let cache = cacheDir.map(Mountpoint.absolute) ?? CacheDirectory.defaultPath(forDatabase: plan.databasePath)
        let readiness = Readiness.fromEnvironment()
        do {
            try Mountpoint.check(mountpoint)
            try plan.checkBeforeMount()
            try CacheDirectory.prepare(cache)
            if !foreground && readiness == nil {
                try Daemon.start(arguments: Array(CommandLine.arguments.dropFirst()), logFile: cache + "/recallfs.log",
                                 mountpoint: mountpoint)
                return
            }
            try serve(mountpoint: mountpoint, plan: plan, cache: cache, readiness: readiness)
        } catch let error as UserFacingError {
            readiness?.fail(error.message)
            exitWithMessage(error.message)
        }
    }

    private func serve(mountpoint: String, plan: StorePlan, cache: String, readiness: Readiness?) throws {
        umask(0o077)  // index, WAL files and log hold screen text: 0600
        MallocTuning.apply()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .info
            return handler
        }
        let logger = Logger(label: "recallfs")
        let stores = try plan.open(cacheDir: cache, apiTimeout: apiTimeout, apiMaxBody: try apiMaxBodyBytes(),
                                   maxSavedQueries: maxSavedQueries, indexWait: indexWait, logger: logger)
        let configuration = try cacheConfiguration()
        let tiered: TieredCache
        do {
            tiered = try TieredCache(configuration: configuration, diskDirectory: cache + "/blocks")
        } catch {
            throw UserFacingError("cannot open the disk cache in \(cache)/blocks: \(error)")
        }
        let caching = CachingStore(stores.failover, cache: tiered)
        let index = stores.index, api = stores.api
        let pressure = PressureMonitor(policy: configuration.policy, onSample: { sample in
            tiered.follow(limitBytes: sample.limitBytes)
            index?.setBatchBytes(tiered.budget / 4)  // the index build's batches fit the budget too
            api?.limitBody(to: tiered.budget / 2)     // and so does one API response
        }, onChange: { level in tiered.apply(level) })
        pressure.sample()
        var treeOptions = TreeOptions()
        treeOptions.entryTimeout = attrTimeout
        treeOptions.attributeTimeout = attrTimeout
        treeOptions.searchTTL = min(configuration.searchTTL, 30)
        treeOptions.uid = getuid()
        treeOptions.gid = getgid()
        var facts = ["pid": String(getpid()), "mountpoint": mountpoint, "cache_dir": cache]
        if let local = stores.failover.local { facts["database"] = local.path }
        let tree = RecallFileSystem(store: caching, board: StatusBoard(logger: logger), savedQueries: stores.saved,
                                    options: treeOptions, tiered: tiered)
        let status = StatusFiles(tree: tree, failover: stores.failover, pressure: pressure, index: stores.index, facts: facts)
        tree.attach(status: status)
        if let local = stores.failover.local, case let hidden = local.unlistableCount(), hidden > 0 {
            tree.board.record(operation: "mount", path: "documents", errno: EIO,
                              reason: "\(hidden) entities have an id of 0 or below and are not listed")
        }
        var feeds: [ChangeFeed] = []
        if let api = stores.api { feeds.append(APIChangeFeed(api: api)) }
        if let index = stores.index, let local = stores.failover.local { feeds.append(IndexChangeFeed(index: index, store: local)) }
        let events = EventProcessor(feeds: feeds, tree: tree)
        status.attach(events: events)
        var mountOptions = ["fsname=recallfs", "subtype=recallfs", "noatime"] + options.flatMap { $0.split(separator: ",").map(String.init) }
        if mountOptions.contains("allow_other") && !mountOptions.contains("default_permissions") {
            mountOptions.append("default_permissions")  // other users get the kernel's permission checks
        }
        let session: FUSESession
        do {
            session = try FUSESession(tree: tree, mountpoint: mountpoint, options: mountOptions, debug: debug)
        } catch {
            throw UserFacingError("\(error)")
        }
        logger.info("mounted on \(mountpoint): api \(stores.failover.api?.location ?? "off"), database \(stores.failover.local?.path ?? "none") (cache \(cache), pid \(getpid()))")
        readiness?.succeed()
        events.start(interval: pollInterval)
        pressure.start(interval: configuration.sampleInterval)
        logger.info("cache: memory \(configuration.memoryBytes >> 20) MB, disk \(configuration.diskBytes >> 20) MB (preset \(configuration.preset)); memory signal: \(pressure.latest?.source ?? "none")")
        Periodic.run(every: healthInterval, name: "recallfs-health", immediately: false) { stores.failover.checkHealth() }
        let result = session.run()
        logger.info("unmounted \(mountpoint) (loop result \(result))")
    }
}

/// Settings that also come from `RECALLFS_*` environment variables.
enum Settings {
    static func string(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
    static func double(_ name: String) -> Double? { string(name).flatMap(Double.init) }
}
