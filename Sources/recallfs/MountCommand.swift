import ArgumentParser
import FUSEBridge
import Foundation
import Logging
import Store
import Tree

/// `recallfs mount MOUNTPOINT`: returns once the mount is live, then serves in the background.
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount a Pensieve database. Returns once the mount is live (or with a clear error).")

    @Argument(help: "An existing, empty directory to mount on.")
    var mountpoint: String

    @Option(help: "Pensieve's SQLite database (default: ~/.memos/database.db).")
    var db: String?

    @Option(name: .customLong("cache-dir"), help: "Private cache directory (index, saved queries, log).")
    var cacheDir: String?

    @Flag(help: "Stay in the foreground and log to stderr.")
    var foreground = false

    @Flag(help: "Verbose logging, including libfuse's request trace.")
    var debug = false

    @Option(name: .customShort("o"), help: "Extra mount options, comma-separated (e.g. allow_other).")
    var options: [String] = []

    @Option(name: .customLong("poll-interval"), help: "Seconds between index refreshes from the database.")
    var pollInterval: Double = Double(ProcessInfo.processInfo.environment["RECALLFS_POLL_INTERVAL"] ?? "") ?? 30

    @Option(name: .customLong("attr-timeout"), help: "Seconds the kernel may cache attributes and names (> 0).")
    var attrTimeout: Double = 1

    @Option(name: .customLong("search-ttl"), help: "Seconds a query's results are reused before re-running it.")
    var searchTTL: Double = 30

    func validate() throws {
        guard attrTimeout > 0 else { throw ValidationError("--attr-timeout must be above 0") }
        guard pollInterval > 0, searchTTL >= 0 else { throw ValidationError("--poll-interval must be above 0") }
    }

    var databasePath: String {
        Mountpoint.absolute((db ?? homeDirectory() + "/.memos/database.db").replacingOccurrences(
            of: "~", with: homeDirectory(), options: .anchored))
    }

    func run() throws {
        let mountpoint = Mountpoint.absolute(self.mountpoint)
        let database = databasePath
        let cache = cacheDir.map(Mountpoint.absolute) ?? CacheDirectory.defaultPath(forDatabase: database)
        let readiness = Readiness.fromEnvironment()
        do {
            try Mountpoint.check(mountpoint)
            guard FileManager.default.fileExists(atPath: database) else {
                throw UserFacingError("database not found: \(database) (give --db PATH, or build one with: recallfs index DIR --db PATH)")
            }
            guard FileManager.default.isReadableFile(atPath: database) else {
                throw UserFacingError("database not readable: \(database) (check its permissions)")
            }
            try CacheDirectory.prepare(cache)
            if !foreground && readiness == nil {
                try Daemon.start(arguments: Array(CommandLine.arguments.dropFirst()), logFile: cache + "/recallfs.log",
                                 mountpoint: mountpoint)
                return
            }
            try serve(mountpoint: mountpoint, database: database, cache: cache, readiness: readiness)
        } catch let error as UserFacingError {
            readiness?.fail(error.message)
            exitWithMessage(error.message)
        }
    }

    private func serve(mountpoint: String, database: String, cache: String, readiness: Readiness?) throws {
        umask(0o077)  // index, WAL files and log hold screen text: 0600
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .info
            return handler
        }
        let logger = Logger(label: "recallfs")
        let index: SearchIndex
        let saved: SavedQueries
        let store: PensieveSQLiteStore
        do {
            index = try SearchIndex(path: cache + "/index.sqlite", source: database)
            saved = try SavedQueries(path: cache + "/index.sqlite")
            store = try PensieveSQLiteStore(path: database, index: index)
        } catch let error as StoreError {
            throw UserFacingError(Self.plain(error))
        }
        var treeOptions = TreeOptions()
        treeOptions.entryTimeout = attrTimeout
        treeOptions.attributeTimeout = attrTimeout
        treeOptions.searchTTL = searchTTL
        treeOptions.uid = getuid()
        treeOptions.gid = getgid()
        let board = StatusBoard(logger: logger)
        let tree = RecallFileSystem(store: store, board: board, index: index, savedQueries: saved, options: treeOptions,
                                    facts: ["pid": String(getpid()), "mountpoint": mountpoint, "database": database,
                                            "cache_dir": cache])
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
        logger.info("mounted \(database) on \(mountpoint) (cache \(cache), pid \(getpid()))")
        readiness?.succeed()
        IndexSyncLoop(store: store, index: index, tree: tree, interval: pollInterval, logger: logger).start()
        let result = session.run()
        logger.info("unmounted \(mountpoint) (loop result \(result))")
    }

    static func plain(_ error: StoreError) -> String {
        switch error {
        case .unavailable(let r), .busy(let r), .invalid(let r), .failed(let r): return r
        }
    }
}
