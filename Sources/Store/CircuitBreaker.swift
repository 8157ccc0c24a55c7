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

/// Runs a blocking call with a time limit. When the limit passes, the caller gets
/// `StoreError.unavailable` at once; the abandoned call finishes in the background. This is what keeps a
/// frozen peer (a `kill -STOP`ped server, a proxy that never answers) from hanging a FUSE request.
public enum Deadline {
    final class Box<T>: @unchecked Sendable { var result: Result<T, Error>? }

    public static func run<T>(seconds: Double, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        // A thread of its own, not the GCD pool: calls abandoned at their deadline keep their thread
        // blocked until their own timeout, and on a small machine GCD adds pool threads too slowly for
        // the next call to start within its budget.
        let thread = Thread {
            box.result = Result { try body() }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        guard done.wait(timeout: .now() + max(0.001, seconds)) == .success else {
            throw StoreError.unavailable("no answer within \(String(format: "%.1f", seconds)) s")
        }
        return try box.result!.get()
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
