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
            What the mount shows (a document is the same file wherever it is):
              documents/<id>-<slug>.md    cat documents/1234-*.md
              libraries/<name>/           ls libraries/screenshots/
              search/<query>/             ls search/"invoice app:Firefox"/
              timeline/YYYY/MM/DD/        ls timeline/2026/01/15/
              recent/                     head recent/001-*
              apps/<app>/                 grep -ril invoice apps/Slack/
              images/<id>-<slug>.<ext>    cp images/1234-*.webp /tmp/
              around/<id>/                ls -U around/1234/
              .status/                    cat .status/health
            Metadata: getfattr -d documents/1234-*.md
            Tags (with --allow-tag-writes):
              setfattr -n user.recallfs.tags -v "a,b" documents/1234-*.md
            """)

    @Argument(help: "An existing directory to mount on.")
    var mountpoint: String

    @OptionGroup(title: "Mount") var mount: MountFlags
    @OptionGroup(title: "Stores") var stores: StoreFlags
    @OptionGroup(title: "Cache") var caching: CacheFlags
    @OptionGroup(title: "Logging") var logging: LogFlags
    @OptionGroup(title: "Metrics") var metrics: MetricsFlags

    func validate() throws { _ = try configuration() }

    /// The configuration this command describes: defaults (in `DaemonConfiguration`), then the
    /// `RECALLFS_*` environment, then flags. Every number is range-checked here, once.
    func configuration() throws -> DaemonConfiguration {
        let (db, api, noAPI, allowRemoteAPI) = (stores.db, stores.api, stores.noAPI, stores.allowRemoteAPI)
        let (apiTimeout, healthInterval, pollInterval, indexWait) = (stores.apiTimeout, stores.healthInterval, stores.pollInterval, stores.indexWait)
        let (apiMaxBody, libraries) = (stores.apiMaxBody, stores.libraries)
        let (attrTimeout, maxSavedQueries, context, timezone) = (mount.attrTimeout, mount.maxSavedQueries, mount.context, mount.timezone)
        let (allowTagWrites, noXattrs, options) = (mount.allowTagWrites, mount.noXattrs, mount.options)
        let (logLevelName, logLevel, debug, cacheDir) = (logging.logLevelName, logging.logLevel, logging.debug, caching.cacheDir)
        var c = DaemonConfiguration()
        let plan = StorePlan(db: db, api: api, noAPI: noAPI, allowRemoteAPI: allowRemoteAPI)
        c.sources = plan.sources
        c.api.timeout = try Self.seconds("--api-timeout", apiTimeout, env: "RECALLFS_API_TIMEOUT", c.api.timeout, above: 0, max: 600)
        c.sources.databaseTimeout = try Self.seconds("--db-timeout", stores.dbTimeout, env: "RECALLFS_DB_TIMEOUT",
                                                     c.sources.databaseTimeout, above: 0, max: 600)
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
        c.cache = try caching.configuration()
        if let address = metrics.address {
            c.metricsAddress = try Self.metricsAddress(address, allowRemote: metrics.allowRemote)
        }
        c.tree.searchTTL = c.cache.searchTTL
        c.tree.uid = getuid()
        c.tree.gid = getgid()
        c.mount.mountpoint = Mountpoint.absolute(mountpoint)
        c.mount.options = options
        c.mount.debug = debug
        c.cacheDirectory = cacheDir.map(Mountpoint.absolute) ?? CacheDirectory.defaultPath(forDatabase: c.sources.databasePath)
        return c
    }

    /// `HOST:PORT` (`[::1]:PORT` for IPv6) for `--metrics-addr`, on loopback unless allowed.
    static func metricsAddress(_ text: String, allowRemote: Bool) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ValidationError("--metrics-addr needs HOST:PORT with a port from 1 to 65535, like 127.0.0.1:9101 (got '\(text)')")
        }
        let host = String(text[..<colon]).trimming { $0 == "[" || $0 == "]" }
        guard !host.isEmpty else { throw ValidationError("--metrics-addr needs a host, like 127.0.0.1:\(port)") }
        if !allowRemote && !URLSafety.isLoopback(host) {
            throw ValidationError("--metrics-addr \(text) is not on loopback; pass --allow-remote-metrics to serve it there")
        }
        return (host, port)
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

    func run() throws {
        let (foreground, logFile, logLevel, debug) = (mount.foreground, logging.logFile, logging.logLevel, logging.debug)
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
