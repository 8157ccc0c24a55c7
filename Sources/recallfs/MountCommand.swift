import ArgumentParser
import Cache
import FUSEBridge
import FoundationEssentials
import Glibc
import Logging
import StatusFiles
import Store
import Tree

/// `recallfs mount MOUNTPOINT`: returns once the mount is live, then serves in the background.
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount Pensieve (API first, SQLite fallback). Returns once the mount is live, or with a clear error.",
        discussion: """
            What the mount shows (every document file is the same file wherever it appears):
              documents/<id>-<slug>.md         cat documents/1234-*.md
              libraries/<name>/                ls libraries/screenshots/
              search/<query>/                  ls search/"invoice app:Firefox date:2026-01"/
              timeline/YYYY/MM/DD/             ls timeline/2026/01/15/     (in --timezone)
              recent/                          head recent/001-*           (the last 100 captures)
              apps/<app>/                      grep -ril invoice apps/Slack/
              images/<id>-<slug>.<ext>         cp images/1234-*.webp /tmp/ (the screenshot itself)
              around/<id>/                     ls -U around/1234/          (-05 … +00 … +05)
              .status/                         cat .status/health
            Metadata is in extended attributes: getfattr -d documents/1234-*.md
            With --allow-tag-writes: setfattr -n user.recallfs.tags -v "a,b" documents/1234-*.md
            With --library NAME (repeatable), only those libraries are visible.
            """)

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

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info; debug with --debug).")
    var logLevelName: String?

    @Option(name: .customLong("log-file"), help: "Append the log here (default: recallfs.log in the cache directory; stderr with --foreground).")
    var logFile: String?

    var logLevel: Logger.Level? { logLevelName.flatMap { Logger.Level(rawValue: $0.lowercased()) } }

    @Option(name: .customShort("o"), help: "Extra mount options, comma-separated (e.g. allow_other).")
    var options: [String] = []

    @Option(name: .customLong("api-timeout"), help: "Seconds an API request may take before SQLite answers (env RECALLFS_API_TIMEOUT).")
    var apiTimeout: Double?

    @Option(name: .customLong("health-interval"), help: "Seconds between API health checks (env RECALLFS_HEALTH_INTERVAL).")
    var healthInterval: Double?

    @Option(name: .customLong("poll-interval"), help: "Seconds between polls for changed entities (env RECALLFS_POLL_INTERVAL).")
    var pollInterval: Double?

    @Option(name: .customLong("cache-ttl"), help: "Seconds search results and entities are reused (env RECALLFS_CACHE_TTL).")
    var cacheTTL: Double?

    @Option(name: .customLong("attr-timeout"), help: "Seconds the kernel may cache attributes and names, and a checked rendering is trusted (> 0, default 60; change events invalidate sooner).")
    var attrTimeout: Double?

    @Option(name: .customLong("cache-memory"), help: "Memory tier budget, e.g. 128M (env RECALLFS_CACHE_MEMORY).")
    var cacheMemory: String?

    @Option(name: .customLong("cache-disk"), help: "Disk tier budget, e.g. 1G; 0 turns it off (env RECALLFS_CACHE_DISK).")
    var cacheDisk: String?

    @Option(help: "Cache and pressure settings: dev, prod or constrained (env RECALLFS_PRESET).")
    var preset: String?

    @Option(name: .customLong("max-saved-queries"), help: "How many listed queries `ls search/` keeps (least recently listed go first).")
    var maxSavedQueries: Int?

    @Option(name: .customLong("index-wait"), help: "Seconds a search waits for the first index build before EAGAIN.")
    var indexWait: Double?

    @Option(name: .customLong("api-max-body"), help: "Largest API response accepted, e.g. 32M.")
    var apiMaxBody: String?

    @Option(help: "Time zone of timeline/ and of the date:, after: and before: filters, e.g. UTC or Europe/Berlin (env RECALLFS_TIMEZONE; default: the system's).")
    var timezone: String?

    @Option(help: "How many captures around/<id>/ shows before and after the document (1 to 99, default 5).")
    var context: Int?

    @Flag(name: .customLong("allow-tag-writes"), help: "Let `setfattr -n user.recallfs.tags -v a,b FILE` replace a document's tags through Pensieve's API.")
    var allowTagWrites = false

    @Option(name: .customLong("library"), help: "Mount only this library (repeatable): every other library is invisible.")
    var libraries: [String] = []

    @Flag(name: .customLong("no-xattrs"), help: "Offer no extended attributes: `ls -l` then makes no xattr round trips (about 3x faster on large folders).")
    var noXattrs = false

    func validate() throws { _ = try configuration() }

    /// The configuration this command describes: defaults (in `DaemonConfiguration`), then the
    /// `RECALLFS_*` environment, then flags. Every number is range-checked here, once.
    func configuration() throws -> DaemonConfiguration {
        var c = DaemonConfiguration()
        let plan = StorePlan(db: db, api: api, noAPI: noAPI, allowRemoteAPI: allowRemoteAPI)
        c.sources = plan.sources
        c.api.timeout = try Self.seconds("--api-timeout", apiTimeout, env: "RECALLFS_API_TIMEOUT", c.api.timeout, above: 0, max: 600)
        c.api.healthInterval = try Self.seconds("--health-interval", healthInterval, env: "RECALLFS_HEALTH_INTERVAL",
                                                c.api.healthInterval, above: 0, max: 86_400)
        c.index.pollInterval = try Self.seconds("--poll-interval", pollInterval, env: "RECALLFS_POLL_INTERVAL",
                                                c.index.pollInterval, above: 0, max: 86_400)
        c.index.readyWait = try Self.seconds("--index-wait", indexWait, env: nil, c.index.readyWait, atLeast: 0, max: 600)
        let attributes = try Self.seconds("--attr-timeout", attrTimeout, env: nil, c.tree.attributeTimeout, above: 0, max: 3600)
        c.tree.attributeTimeout = attributes
        c.tree.entryTimeout = attributes
        if let apiMaxBody {
            guard let bytes = ByteSize.parse(apiMaxBody), (64 << 10)...(1 << 30) ~= bytes else {
                throw ValidationError("--api-max-body needs a size from 64K to 1G (got '\(apiMaxBody)')")
            }
            c.api.maxBodyBytes = bytes
        }
        if let maxSavedQueries {
            guard (1...1_000_000).contains(maxSavedQueries) else {
                throw ValidationError("--max-saved-queries must be from 1 to 1000000 (got \(maxSavedQueries))")
            }
            c.mount.maxSavedQueries = maxSavedQueries
        }
        if let context {
            guard (1...99).contains(context) else { throw ValidationError("--context must be from 1 to 99 (got \(context))") }
            c.tree.context = context
        }
        if let logLevelName, logLevel == nil {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical (got '\(logLevelName)')")
        }
        c.tree.allowTagWrites = allowTagWrites
        c.tree.extendedAttributes = !noXattrs
        if noXattrs && allowTagWrites { throw ValidationError("--allow-tag-writes needs extended attributes (drop --no-xattrs)") }
        c.sources.libraries = libraries
        if let zone = timezone ?? Settings.string("RECALLFS_TIMEZONE") {
            do { try MountTimeZone.check(zone) } catch { throw ValidationError("--timezone: \(StorePlan.plain(error))") }
            c.timeZone = zone
        }
        c.cache = try cacheConfiguration()
        c.tree.searchTTL = c.cache.searchTTL
        c.tree.uid = getuid()
        c.tree.gid = getgid()
        c.mount.mountpoint = Mountpoint.absolute(mountpoint)
        c.mount.options = options
        c.mount.debug = debug
        c.cacheDirectory = cacheDir.map(Mountpoint.absolute) ?? CacheDirectory.defaultPath(forDatabase: c.sources.databasePath)
        return c
    }

    /// A number of seconds from a flag, else from `env`, else `fallback`: finite and in range, with
    /// one line saying what is allowed (an environment typo must not silently become the default).
    static func seconds(_ flag: String, _ value: Double?, env: String?, _ fallback: Double, above: Double? = nil,
                        atLeast: Double? = nil, max: Double) throws -> Double {
        var chosen = fallback, from = flag
        if let value { chosen = value } else if let env, let raw = Settings.string(env) {
            guard let parsed = Double(raw) else { throw ValidationError("\(env)=\(raw) is not a number of seconds") }
            chosen = parsed; from = env
        }
        let low = above.map { chosen > $0 } ?? atLeast.map { chosen >= $0 } ?? true
        guard chosen.isFinite, low, chosen <= max else {
            let bound = above.map { "above \($0)" } ?? "at least \(atLeast ?? 0)"
            throw ValidationError("\(from) must be a number of seconds \(bound) and at most \(Int(max)) (got \(chosen))")
        }
        return chosen
    }

    /// The preset, then `--cache-memory`, `--cache-disk` and `--cache-ttl` (or their variables) over it.
    func cacheConfiguration() throws -> CacheConfiguration {
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
            let ttl = try Self.seconds("--cache-ttl", cacheTTL, env: "RECALLFS_CACHE_TTL", configuration.searchTTL,
                                       atLeast: 0, max: 30 * 86_400)
            configuration.searchTTL = ttl
            configuration.entityTTL = ttl
        }
        configuration.tracePath = Settings.string("RECALLFS_CACHE_TRACE")
        return configuration
    }

    func run() throws {
        let configuration = try configuration()
        let plan = StorePlan(configuration.sources)
        let mountpoint = configuration.mount.mountpoint, cache = configuration.cacheDirectory
        let readiness = Readiness.fromEnvironment()
        do {
            try Mountpoint.check(mountpoint)
            try plan.checkBeforeMount()
            try CacheDirectory.prepare(cache)
            if !foreground && readiness == nil {
                try Daemon.start(arguments: Array(CommandLine.arguments.dropFirst()),
                                 logFile: logFile.map(Mountpoint.absolute) ?? cache + "/recallfs.log", mountpoint: mountpoint)
                return
            }
            umask(0o077)  // index, WAL files and log hold screen text: 0600
            if let logFile, readiness == nil { try LogOutput.redirectStderr(to: Mountpoint.absolute(logFile)) }
            MallocTuning.apply()
            let systemd = SystemdNotifier.fromEnvironment()
            LogOutput.bootstrap(level: logLevel, debug: debug)
            let graph = try DaemonGraph(configuration, plan: plan, logger: Logger(label: "recallfs"))
            graph.run(readiness: readiness, systemd: systemd)
        } catch let error as UserFacingError {
            readiness?.fail(error.message)
            exitWithMessage(error.message)
        }
    }
}

/// Settings that also come from `RECALLFS_*` environment variables (read by the CLI only).
enum Settings {
    static func string(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
