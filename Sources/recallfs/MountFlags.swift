import ArgumentParser
import Cache
import Logging

/// Where documents come from: the API, the database, and which libraries. (`recallfs mount --help` shows them under "Stores".)
struct StoreFlags: ParsableArguments {
    @Option(help: "Pensieve's database: a SQLite file, or postgresql://user@host:port,host:port/db (password from PGPASSWORD or ~/.pgpass) (env RECALLFS_DB; default: ~/.memos/database.db).")
    var db: String?

    @Option(name: .customLong("db-timeout"), help: "Seconds a PostgreSQL statement may run (its statement_timeout; env RECALLFS_DB_TIMEOUT; default 5).")
    var dbTimeout: Double?

    @Option(help: "Pensieve's API (env RECALLFS_API; default: http://127.0.0.1:8839).")
    var api: String?

    @Flag(name: .customLong("no-api"), help: "Read the database only; do not use Pensieve's API.")
    var noAPI = false

    @Flag(name: .customLong("allow-remote-api"), help: "Allow an API URL that is not on loopback.")
    var allowRemoteAPI = false

    @Option(name: .customLong("api-timeout"), help: "Seconds an API request may take before SQLite answers (env RECALLFS_API_TIMEOUT).")
    var apiTimeout: Double?

    @Option(name: .customLong("health-interval"), help: "Seconds between API health checks (env RECALLFS_HEALTH_INTERVAL).")
    var healthInterval: Double?

    @Option(name: .customLong("poll-interval"), help: "Seconds between polls for changed entities (env RECALLFS_POLL_INTERVAL).")
    var pollInterval: Double?

    @Option(name: .customLong("index-wait"), help: "Seconds a search waits for the first index build before EAGAIN.")
    var indexWait: Double?

    @Option(name: .customLong("api-max-body"), help: "Largest API response accepted, e.g. 32M.")
    var apiMaxBody: String?

    @Option(name: .customLong("library"), help: "Mount only this library (repeatable): every other library is invisible.")
    var libraries: [String] = []
}

/// How the mount behaves for the kernel and its users. (`recallfs mount --help` shows them under "Mount".)
struct MountFlags: ParsableArguments {
    @Flag(help: "Stay in the foreground and log to stderr.")
    var foreground = false

    @Option(name: .customShort("o"), help: "Extra mount options, comma-separated (e.g. allow_other).")
    var options: [String] = []

    @Option(name: .customLong("attr-timeout"), help: "Seconds the kernel may cache attributes and names, and a checked rendering is trusted (> 0, default 60; change events invalidate sooner).")
    var attrTimeout: Double?

    @Option(help: "Time zone of timeline/ and of the date:, after: and before: filters, e.g. UTC or Europe/Berlin (env RECALLFS_TIMEZONE; default: the system's).")
    var timezone: String?

    @Option(help: "How many captures around/<id>/ shows before and after the document (1 to 99, default 5).")
    var context: Int?

    @Flag(name: .customLong("allow-tag-writes"), help: "Let `setfattr -n user.recallfs.tags -v a,b FILE` replace a document's tags through Pensieve's API.")
    var allowTagWrites = false

    @Flag(name: .customLong("no-xattrs"), help: "Offer no extended attributes: `ls -l` then makes no xattr round trips (6-8x faster on large folders).")
    var noXattrs = false

    @Option(name: .customLong("max-saved-queries"), help: "How many listed queries `ls search/` keeps (least recently listed go first).")
    var maxSavedQueries: Int?
}

/// The cache directory, the cache tiers and their settings. (`recallfs mount --help` shows them under "Cache".)
struct CacheFlags: ParsableArguments {
    @Option(name: .customLong("cache-dir"), help: "Private cache directory (index, saved queries, log).")
    var cacheDir: String?

    @Option(name: .customLong("cache-ttl"), help: "Seconds search results and entities are reused (env RECALLFS_CACHE_TTL).")
    var cacheTTL: Double?

    @Option(name: .customLong("cache-memory"), help: "Memory tier budget, e.g. 128M (env RECALLFS_CACHE_MEMORY).")
    var cacheMemory: String?

    @Option(name: .customLong("cache-disk"), help: "Disk tier budget, e.g. 1G; 0 turns it off (env RECALLFS_CACHE_DISK).")
    var cacheDisk: String?

    @Option(help: "Cache and pressure settings: dev, prod or constrained (env RECALLFS_PRESET).")
    var preset: String?

    /// The preset, then `--cache-memory`, `--cache-disk` and `--cache-ttl` (or their variables) over it.
    func configuration() throws -> CacheConfiguration {
        let preset = self.preset ?? Settings.string("RECALLFS_PRESET") ?? "default"
        guard var configuration = CacheConfiguration.preset(preset) else {
            throw ValidationError("--preset must be dev, prod or constrained (got '\(preset)')")
        }
        if let cacheMemory = cacheMemory ?? Settings.string("RECALLFS_CACHE_MEMORY") {
            guard let bytes = ByteSize.parse(cacheMemory), (1 << 20)...(1 << 40) ~= bytes else {
                throw ValidationError("--cache-memory needs a size from 1M to 1T, like 64M or 1G (got '\(cacheMemory)')")
            }
            configuration.memoryBytes = bytes
        }
        if let cacheDisk = cacheDisk ?? Settings.string("RECALLFS_CACHE_DISK") {
            guard let bytes = ByteSize.parse(cacheDisk), bytes <= 1 << 44 else {
                throw ValidationError("--cache-disk needs a size up to 16T, like 512M, 2G or 0 (got '\(cacheDisk)')")
            }
            configuration.diskBytes = bytes
        }
        if cacheTTL != nil || Settings.string("RECALLFS_CACHE_TTL") != nil {
            let ttl = try MountCommand.seconds("--cache-ttl", cacheTTL, env: "RECALLFS_CACHE_TTL", configuration.searchTTL,
                                       atLeast: 0, max: 30 * 86_400)
            configuration.searchTTL = ttl
            configuration.entityTTL = ttl
        }
        configuration.tracePath = Settings.string("RECALLFS_CACHE_TRACE")
        return configuration
    }
}

/// Where the log goes and how much of it. (`recallfs mount --help` shows them under "Logging".)
struct LogFlags: ParsableArguments {
    @Flag(help: "Verbose logging, including libfuse's request trace.")
    var debug = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info; debug with --debug).")
    var logLevelName: String?

    @Option(name: .customLong("log-file"), help: "Append the log here (default: recallfs.log in the cache directory; stderr with --foreground).")
    var logFile: String?

    var logLevel: Logger.Level? { logLevelName.flatMap { Logger.Level(rawValue: $0.lowercased()) } }
}

/// The Prometheus endpoint. (`recallfs mount --help` shows them under "Metrics".)
struct MetricsFlags: ParsableArguments {
    @Option(name: .customLong("metrics-addr"), help: "Serve /metrics (Prometheus) and /health over HTTP at HOST:PORT, e.g. 127.0.0.1:9101 (loopback only unless --allow-remote-metrics).")
    var address: String?

    @Flag(name: .customLong("allow-remote-metrics"), help: "Allow a --metrics-addr that is not on loopback (the status files name paths and libraries).")
    var allowRemote = false
}

