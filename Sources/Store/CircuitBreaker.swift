import Foundation
import Synchronization

/// Decides whether a request may try the API: closed (try it) or open (skip it until a health check
/// succeeds). It opens after `threshold` consecutive failures, or when a health check fails.
public final class CircuitBreaker: Sendable {
    public enum Position: String, Sendable { case closed, open }

    public struct Snapshot: Sendable {
        public var position: Position
        public var consecutiveFailures: Int
        public var openedAt: Date?
        public var lastReason: String?
        public var timesOpened: Int
    }

    public let threshold: Int
    private let state: Mutex<Snapshot>

    public init(threshold: Int = 3) {
        self.threshold = threshold
        state = Mutex(Snapshot(position: .closed, consecutiveFailures: 0, openedAt: nil, lastReason: nil, timesOpened: 0))
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
    public var allowsRequests: Bool { state.withLock { $0.position == .closed } }

    public func recordSuccess() { state.withLock { $0.consecutiveFailures = 0 } }

    /// Counts a failed request; true when this failure opened the circuit.
    @discardableResult
    public func recordFailure(_ reason: String) -> Bool {
        state.withLock { s in
            s.consecutiveFailures += 1
            s.lastReason = reason
            guard s.position == .closed, s.consecutiveFailures >= threshold else { return false }
            Self.open(&s)
            return true
        }
    }

    /// A health check answered: requests may try the API again.
    public func healthCheckSucceeded() {
        state.withLock { s in
            s.position = .closed
            s.consecutiveFailures = 0
            s.openedAt = nil
        }
    }

    /// A health check failed: skip the API until one succeeds.
    public func healthCheckFailed(_ reason: String) {
        state.withLock { s in
            s.lastReason = reason
            if s.position == .closed { Self.open(&s) }
        }
    }

    private static func open(_ s: inout Snapshot) {
        s.position = .open
        s.openedAt = Date()
        s.timesOpened += 1
    }
}

/// The time left for the request running on this thread. `FailoverStore` sets it around every API
/// call, and `HTTPClient` caps libcurl's connect and total timeouts by what is left, so a frozen peer
/// (a `kill -STOP`ped server, a proxy that never answers) costs at most the budget, on the caller's own
/// thread: no thread per call, and the thread's curl handle is reused.
public enum RequestDeadline {
    nonisolated(unsafe) private static var key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { $0?.deallocate() }
        return key
    }()

    private static var slot: UnsafeMutablePointer<Double> {
        if let existing = pthread_getspecific(key) { return existing.assumingMemoryBound(to: Double.self) }
        let fresh = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        fresh.initialize(to: .infinity)
        pthread_setspecific(key, fresh)
        return fresh
    }

    private static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs `body` with at most `seconds` for everything it does on this thread (an outer, shorter
    /// deadline stays in force).
    public static func with<T>(seconds: Double, _ body: () throws -> T) rethrows -> T {
        let slot = self.slot
        let outer = slot.pointee
        slot.pointee = min(outer, now + max(0, seconds))
        defer { slot.pointee = outer }
        return try body()
    }

    /// Seconds left, or nil when no deadline is set on this thread.
    public static var remaining: Double? {
        let deadline = slot.pointee
        return deadline.isFinite ? deadline - now : nil
    }

    /// Throws `unavailable` when the deadline has passed.
    public static func check(_ what: String = "the request") throws {
        if let left = remaining, left <= 0 { throw StoreError.unavailable("\(what): no answer within the time budget") }
    }
}

/// The last few hundred latencies of one kind of call, for p50/p95.
public struct LatencyWindow: Sendable {
    static let capacity = 512
    private var samples: [Double] = []
    private var cursor = 0
    public private(set) var count = 0
    public private(set) var total: Double = 0

    public init() {}

    public mutating func add(_ seconds: Double) {
        count += 1
        total += seconds
        if samples.count < Self.capacity { samples.append(seconds); return }
        samples[cursor] = seconds
        cursor = (cursor + 1) % Self.capacity
    }

    /// p50 and p95 in milliseconds (0 when empty).
    public var percentiles: (p50: Double, p95: Double) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q))] * 1000 }
        return (at(0.5), at(0.95))
    }

    public var averageMilliseconds: Double { count == 0 ? 0 : total / Double(count) * 1000 }
}
