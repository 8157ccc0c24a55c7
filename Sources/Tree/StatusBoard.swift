import Foundation
import Logging
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

    struct State {
        var errors: [ErrorRecord] = []
        var errorCount = 0
        var latencies: [Double] = []
        var latencyCursor = 0
        var lastBackend = "none"
        var storeReachable = true
        var lastStoreError: String?
        var lastStoreErrorAt: Date?
        var storeRequests = 0
        var storeFailures = 0
    }

    static let keptErrors = 50
    static let keptLatencies = 512
    private let state = Mutex(State())
    private let logger: Logger
    public let startedAt = Date()

    public init(logger: Logger = Logger(label: "recallfs")) { self.logger = logger }

    /// Records an error answer, logs it, and keeps it for `.status/errors`.
    public func record(operation: String, path: String, errno: Int32, reason: String) {
        let record = ErrorRecord(time: Date(), operation: operation, path: path, errno: errno, reason: reason)
        logger.warning("\(operation) \(path): \(Self.errnoName(errno)): \(reason)")
        state.withLock { s in
            s.errors.append(record)
            if s.errors.count > Self.keptErrors { s.errors.removeFirst(s.errors.count - Self.keptErrors) }
            s.errorCount += 1
        }
    }

    /// Records one store call: how long it took and whether the store answered.
    public func storeCall(backend: String, seconds: Double, error: StoreErrorSummary?) {
        state.withLock { s in
            s.lastBackend = backend
            s.storeRequests += 1
            if s.latencies.count < Self.keptLatencies { s.latencies.append(seconds) } else {
                s.latencies[s.latencyCursor] = seconds
                s.latencyCursor = (s.latencyCursor + 1) % Self.keptLatencies
            }
            switch error {
            case .none: s.storeReachable = true
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
    var snapshot: State { state.withLock { $0 } }

    /// p50 and p95 of the kept store latencies, in milliseconds.
    public var latencyPercentiles: (p50: Double, p95: Double) {
        let sorted = state.withLock { $0.latencies }.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] * 1000 }
        return (at(0.5), at(0.95))
    }

    static func errnoName(_ errno: Int32) -> String {
        switch errno {
        case EINVAL: return "EINVAL"
        case ENOENT: return "ENOENT"
        case EROFS: return "EROFS"
        case EIO: return "EIO"
        case EAGAIN: return "EAGAIN"
        case EEXIST: return "EEXIST"
        case ENOTEMPTY: return "ENOTEMPTY"
        case EACCES: return "EACCES"
        default: return "errno \(errno)"
        }
    }
}
