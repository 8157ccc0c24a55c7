import Cache
import FUSEBridge
import MetricsEndpoint
import FoundationEssentials
import Glibc
import Logging
import Synchronization
import StatusFiles
import Store
import Tree

/// The composition root: the whole daemon, built once from one `DaemonConfiguration`, in the order
/// the layers stack (stores → caches and pressure → tree → status files → change events → FUSE). No
/// other code constructs these or reads flags and the environment.
final class DaemonGraph {
    let configuration: DaemonConfiguration
    let logger: Logger
    let stores: StorePlan.Opened
    let tiered: TieredCache
    let pressure: PressureMonitor
    let tree: RecallFileSystem
    let status: StatusFiles
    let events: EventProcessor
    let session: FUSESession

    init(_ c: DaemonConfiguration, plan: StorePlan, logger: Logger) throws {
        configuration = c
        self.logger = logger
        // The time zone first: the timeline and date filters read it from here on.
        if let zone = c.timeZone {
            do { try MountTimeZone.use(zone) } catch { throw UserFacingError(StorePlan.plain(error)) }
        }
        // Stores: the API first, the database and our index behind it (the first health check runs here).
        stores = try plan.open(cacheDir: c.cacheDirectory, apiTimeout: c.api.timeout, apiMaxBody: c.api.maxBodyBytes,
                               countCheckInterval: c.api.countCheckInterval, maxSavedQueries: c.mount.maxSavedQueries,
                               indexWait: c.index.readyWait, logger: logger)
        // Caches and the pressure monitor that sizes them (and the index batches and API bodies) to the limit.
        do {
            tiered = try TieredCache(configuration: c.cache, diskDirectory: c.cacheDirectory + "/blocks")
        } catch {
            throw UserFacingError("cannot open the disk cache in \(c.cacheDirectory)/blocks: \(error)")
        }
        let tiered = self.tiered, index = stores.index, api = stores.api
        pressure = PressureMonitor(policy: c.cache.policy, onSample: { sample in
            tiered.follow(limitBytes: sample.limitBytes)
            index?.setBatchBytes(tiered.budget / 4)  // the index build's batches fit the budget too
            api?.limitBody(to: tiered.budget / 2)     // and so does one API response
        }, onChange: { level in tiered.apply(level) })
        pressure.sample()
        // The tree over the store chain: instrumented (inside the tree) → caching → failover → API / SQLite.
        // A scoped mount (`--library`) sees its libraries only, whichever store answers.
        let visible: DocumentStore = c.sources.libraries.isEmpty ? stores.failover
            : ScopedStore(stores.failover, libraries: c.sources.libraries)
        let caching = CachingStore(visible, cache: tiered)
        tree = RecallFileSystem(store: caching, board: StatusBoard(logger: logger), savedQueries: stores.saved,
                                options: c.tree, tiered: tiered, primary: stores.api)
        var facts = ["pid": String(getpid()), "mountpoint": c.mount.mountpoint, "cache_dir": c.cacheDirectory,
                     "timezone": MountTimeZone.currentName, "version": RecallFSCommand.version]
        if let local = stores.failover.local { facts["database"] = local.location }
        if !c.sources.libraries.isEmpty { facts["scope"] = c.sources.libraries.joined(separator: ",") }
        status = StatusFiles(tree: tree, failover: stores.failover, pressure: pressure, index: stores.index, facts: facts,
                             scoped: !c.sources.libraries.isEmpty)
        tree.attach(status: status)
        if let local = stores.failover.local, case let hidden = local.unlistableCount(), hidden > 0 {
            tree.board.record(operation: "mount", path: "documents", errno: EIO,
                              reason: "\(hidden) entities have an id of 0 or below and are not listed")
        }
        // Change events: the API's feed and the index sync, into the invalidation chain.
        var feeds: [ChangeFeed] = []
        // The database, when readable, sees every change (the API sees only recent ones, cheaply).
        if let index = stores.index, let local = stores.failover.local as? PensieveSQLiteStore {
            feeds.append(IndexChangeFeed(index: index, store: local))
        } else if let feed = stores.databaseFeed {
            feeds.append(feed)
        } else if let api = stores.api {
            feeds.append(APIChangeFeed(api: api))
        }
        events = EventProcessor(feeds: feeds, tree: tree)
        // A tag write is seen at once: the feeds sync the index and invalidate what changed.
        tree.onWrite { [events] in events.pollOnce() }
        status.attach(events: events)
        // The kernel mount, last: once it exists, requests queue until `run` serves them.
        do {
            session = try FUSESession(tree: tree, mountpoint: c.mount.mountpoint, options: c.mountOptions, debug: c.mount.debug)
        } catch {
            throw UserFacingError("\(error)")
        }
    }

    /// Starts the background work, tells the parent the mount is live, and serves until unmounted.
    func run(readiness: Readiness?, systemd: SystemdNotifier? = nil) {
        let c = configuration, stores = self.stores
        logger.info("mounted on \(c.mount.mountpoint): api \(stores.failover.api?.location ?? "off"), database \(stores.failover.local?.location ?? "none") (cache \(c.cacheDirectory), pid \(getpid()))")
        logger.debug("settings: attr timeout \(c.tree.attributeTimeout) s, api timeout \(c.api.timeout) s, poll \(c.index.pollInterval) s, health \(c.api.healthInterval) s, time zone \(MountTimeZone.currentName), context \(c.tree.context), tag writes \(c.tree.allowTagWrites ? "on" : "off"), xattrs \(c.tree.extendedAttributes ? "on" : "off")")
        readiness?.succeed()
        events.start(interval: c.index.pollInterval)
        pressure.start(interval: c.cache.sampleInterval)
        logger.info("cache: memory \(c.cache.memoryBytes >> 20) MB (budget \(tiered.budget >> 20) MB), disk \(c.cache.diskBytes >> 20) MB (preset \(c.cache.preset)); memory signal: \(pressure.latest?.source ?? "none")")
        Periodic.run(every: c.api.healthInterval, name: "recallfs-health", immediately: false) { stores.failover.checkHealth() }
        let trimPolicy = Mutex(IdleTrimPolicy())
        let trimPeriod = 5.0
        // Once quiet after work: idle SQLite connections closed (page caches, statements, -shm maps),
        // then freed heap returned to the OS.
        Periodic.run(every: trimPeriod, name: "recallfs-trim") { [tiered] in
            let cpu = IdleTrimPolicy.processCPUSeconds()
            guard trimPolicy.withLock({ $0.observe(cpuSeconds: cpu, period: trimPeriod) }) else { return }
            stores.index?.closeIdleConnections()
            stores.failover.local?.closeIdleConnections()
            tiered.releaseFreedMemory()
        }
        ReloadSignal.install { [tree, logger] in
            logger.info("SIGHUP: dropped every cached answer (\(tree.dropCachedAnswers()))")
        }
        if let systemd { startSystemdNotifications(systemd) }
        if let address = c.metricsAddress {
            MetricsServer.start(host: address.host, port: address.port, status: status, logger: Logger(label: "recallfs.metrics"))
        }
        let result = session.run()
        systemd?.send("STOPPING=1")
        tiered.flushTrace()
        logger.info("unmounted \(c.mount.mountpoint) (loop result \(result))")
    }

    /// systemd `Type=notify`: `READY=1` once the mount answers a request (a `statvfs`, which the kernel
    /// always forwards), `STATUS=` whenever the health line changes, and `WATCHDOG=1` while the FUSE
    /// loop answers (each ping waits for a `statvfs` first, so a hung loop stops the pings).
    func startSystemdNotifications(_ systemd: SystemdNotifier) {
        let mountpoint = configuration.mount.mountpoint, status = self.status, logger = self.logger
        let answers: @Sendable () -> Bool = { var st = statvfs(); return statvfs(mountpoint, &st) == 0 }
        NamedThread.start(name: "recallfs-notify") {
            while !answers() { NamedThread.sleep(seconds: 0.05) }
            var last = status.statusLine
            systemd.send("READY=1\nSTATUS=\(last)")
            logger.info("systemd: ready (\(last))")
            while true {
                NamedThread.sleep(seconds: 1)
                let line = status.statusLine
                if line != last { systemd.send("STATUS=\(line)"); last = line }
            }
        }
        if let interval = systemd.watchdogInterval {
            Periodic.run(every: interval, name: "recallfs-watchdog", immediately: false) {
                if answers() { systemd.send("WATCHDOG=1") }
            }
        }
    }
}
