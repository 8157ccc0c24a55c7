import Cache
import FoundationEssentials
import Tree

/// Everything a mount is built from, in one value. Each default is written here, once; the CLI only
/// overrides what a flag or a `RECALLFS_*` variable sets, and nothing below the CLI reads flags or the
/// environment.
struct DaemonConfiguration {
    /// Where the documents come from.
    struct Sources {
        /// Pensieve's database (`--db`, `RECALLFS_DB`): a SQLite path, or a PostgreSQL URI or
        /// connection string (no password in it).
        var databasePath = homeDirectory() + "/.memos/database.db"
        /// The user named the database: then it must exist.
        var databaseExplicit = false
        /// Seconds a PostgreSQL statement may run (`--db-timeout`): its `statement_timeout`.
        var databaseTimeout: Double = 5
        /// Pensieve's API, nil with `--no-api` (`--api`, `RECALLFS_API`).
        var apiURL: String? = "http://127.0.0.1:8839"
        var allowRemoteAPI = false
        /// Only these libraries are visible (`--library`); all when empty.
        var libraries: [String] = []
    }

    struct API {
        /// Seconds a request may spend on the API before SQLite answers (`--api-timeout`).
        var timeout: Double = 2
        /// Seconds between health checks (`--health-interval`).
        var healthInterval: Double = 30
        /// The largest response body accepted (`--api-max-body`).
        var maxBodyBytes = 32 << 20
        /// Seconds between comparisons of the API's entity total with the database's (each costs
        /// Pensieve about 1.5 s of CPU at a million entities; see `FailoverStore.countCheckInterval`).
        var countCheckInterval: Double = 300
    }

    struct Index {
        /// Seconds between polls for changes, which also sync the index (`--poll-interval`).
        var pollInterval: Double = 30
        /// Seconds a search waits for the first build before EAGAIN (`--index-wait`).
        var readyWait: Double = 2
    }

    struct Mount {
        var mountpoint = ""
        /// Extra `-o` options.
        var options: [String] = []
        var debug = false
        /// How many listed queries `ls search/` keeps (`--max-saved-queries`).
        var maxSavedQueries = 1000
    }

    var sources = Sources()
    var api = API()
    var index = Index()
    var cache = CacheConfiguration()
    var tree = TreeOptions()
    var mount = Mount()
    /// The private cache directory: index, saved queries, disk tier, log (`--cache-dir`).
    var cacheDirectory = ""
    /// The mount's time zone (`--timezone`); nil for the system's.
    var timeZone: String?
    /// Where `/metrics` and `/health` are served (`--metrics-addr`); nil for nowhere.
    var metricsAddress: (host: String, port: Int)?

    /// The kernel-facing libfuse options: identity, `noatime`, the user's `-o` options, and the
    /// kernel's permission checks whenever other users may enter.
    var mountOptions: [String] {
        var options = ["fsname=recallfs", "subtype=recallfs", "noatime"] + mount.options.flatMap { $0.split(separator: ",").map(String.init) }
        if options.contains("allow_other") && !options.contains("default_permissions") { options.append("default_permissions") }
        return options
    }
}
