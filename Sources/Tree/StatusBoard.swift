import FoundationEssentials
import Glibc
import Logging
import Store
import Synchronization

/// What `.status/` reports: recent errors with their reasons, the store's latency and reachability,
/// and which backend answered last. Every FUSE-facing error goes through `record`, which also logs it.
public final class StatusBoard: Sendable {
    /// One rejected or failed request.
    public struct ErrorRecord: Sendable, Equatable {
        public var time: Date
        public var operation: String
        public var path: String
        public var errno: Int32
        public var reason: String
    }

    /// What the board knows, as plain data (for the status files).
    public struct Report: Sendable {
        public internal(set) var errors: [ErrorRecord] = []
        public internal(set) var errorCount = 0
        public internal(set) var requests = LatencyWindow()
        public internal(set) var searches = LatencyWindow()
        public internal(set) var slowRequests = 0
        public internal(set) var storeReachable = true
        public internal(set) var lastStoreError: String?
        public internal(set) var lastStoreErrorAt: Date?
        public internal(set) var lastStoreSuccessAt: Date?
        public internal(set) var storeRequests = 0
        public internal(set) var storeFailures = 0
    }

    static let keptErrors = 50
    static let repeatWindow: TimeInterval = 5
    /// A store call slower than this is counted and logged.
    static let slowSeconds = 1.0
    private let state = Mutex(Report())
    let logger: Logger
    public let startedAt = Date()

    public init(logger: Logger = Logger(label: "recallfs")) { self.logger = logger }

    /// Records an error answer, logs it, and keeps it for `.status/errors`.
    public func record(operation: String, path: String, errno: Int32, reason: String) {
        // Names and reasons can hold anything a user typed: escaped, one error stays one line.
        let path = NameCharacters.escaped(path), reason = NameCharacters.escaped(reason)
        let record = ErrorRecord(time: Date(), operation: operation, path: path, errno: errno, reason: reason)
        // The same error again within a few seconds (one `ls` meets a bad entry on several readdir
        // calls) is counted, not listed again: it would push other reasons out of the last 50.
        let repeated = state.withLock { s -> Bool in
            s.errorCount += 1
            guard let last = s.errors.last, last.operation == operation, last.path == path, last.errno == errno,
                  last.reason == reason, record.time.timeIntervalSince(last.time) < Self.repeatWindow else { return false }
            return true
        }
        if repeated { return }
        logger.warning("\(operation) \(path): \(Self.errnoName(errno)): \(reason)")
        state.withLock { s in
            s.errors.append(record)
            if s.errors.count > Self.keptErrors { s.errors.removeFirst(s.errors.count - Self.keptErrors) }
        }
    }

    /// Records one store call: how long it took and whether the store answered.
    public func storeCall(operation: String, backend: String, seconds: Double, error: StoreErrorSummary?) {
        if seconds > Self.slowSeconds {
            logger.warning("slow request: \(operation) took \(seconds.fixed(2)) s (backend \(backend))")
        }
        state.withLock { s in
            s.storeRequests += 1
            s.requests.add(seconds)
            if operation == "search" { s.searches.add(seconds) }
            if seconds > Self.slowSeconds { s.slowRequests += 1 }
            switch error {
            case .none: s.storeReachable = true; s.lastStoreSuccessAt = Date()
            case .some(.unreachable(let reason)):
                s.storeReachable = false; s.storeFailures += 1; s.lastStoreError = reason; s.lastStoreErrorAt = Date()
            case .some(.failed(let reason)):
                s.storeFailures += 1; s.lastStoreError = reason; s.lastStoreErrorAt = Date()
            }
        }
    }

    /// How a store call failed, as far as health is concerned.
    public enum StoreErrorSummary: Sendable { case unreachable(String), failed(String) }

    public var errors: [ErrorRecord] { state.withLock { $0.errors } }
    public var report: Report { state.withLock { $0 } }

    public static func errnoName(_ errno: Int32) -> String {
        switch errno {
        case EINVAL: return "EINVAL"
        case ENOENT: return "ENOENT"
        case EROFS: return "EROFS"
        case EIO: return "EIO"
        case EAGAIN: return "EAGAIN"
        case EEXIST: return "EEXIST"
        case ENOTEMPTY: return "ENOTEMPTY"
        case EACCES: return "EACCES"
        case ENAMETOOLONG: return "ENAMETOOLONG"
        case EBADF: return "EBADF"
        default: return "errno \(errno)"
        }
    }
}
