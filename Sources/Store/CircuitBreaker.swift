import FoundationEssentials
import Synchronization

/// The circuit's state and its transitions, as a value: every transition is a mutating method that
/// says what happened, so each one is tested on its own, without threads or clocks
/// (`CircuitBreaker` only puts it behind a lock).
///
/// Closed: requests try the API, and `threshold` consecutive failures open it. Open: requests skip the
/// API until a health check succeeds; a failed health check opens a closed circuit at once.
public struct CircuitState: Sendable, Equatable {
    public enum Position: String, Sendable { case closed, open }

    public let threshold: Int
    public private(set) var position = Position.closed
    public private(set) var consecutiveFailures = 0
    public private(set) var openedAt: Date?
    public private(set) var lastReason: String?
    public private(set) var timesOpened = 0
    /// Closed by a health check and not yet confirmed by a request (half-open): the first request
    /// that fails opens it again at once. An API whose health endpoint answers while its data
    /// endpoints time out (a hung worker, a proxy that drips) then costs one timeout per health
    /// interval, not one per request.
    public private(set) var probing = false
    /// Probes that failed in a row. After one, an open circuit stays open for a growing pause
    /// (`probePause`) however often the health endpoint answers.
    public private(set) var failedProbes = 0

    /// 1, 2, 4, then 8 seconds after the 1st, 2nd, 3rd and later failed probes.
    public var probePause: TimeInterval { failedProbes == 0 ? 0 : min(8, Double(1 << min(failedProbes - 1, 3))) }

    public init(threshold: Int) { self.threshold = threshold }

    public var allowsRequests: Bool { position == .closed }

    /// A request the API answered.
    public mutating func requestSucceeded() { consecutiveFailures = 0; probing = false; failedProbes = 0 }

    /// A request the API failed; true when this failure opened the circuit.
    public mutating func requestFailed(_ reason: String, at now: Date = Date()) -> Bool {
        consecutiveFailures += 1
        lastReason = reason
        guard position == .closed, consecutiveFailures >= threshold || probing else { return false }
        if probing { failedProbes += 1 }
        open(at: now)
        return true
    }

    /// A health check answered: requests may try the API again. Closing an open circuit starts a probe
    /// (see `probing`); a closed circuit keeps its count of failed requests, so that requests that
    /// keep failing open it although the health endpoint answers.
    public mutating func healthCheckSucceeded(at now: Date = Date()) {
        guard position == .open else { return }
        if let openedAt, now.timeIntervalSince(openedAt) < probePause { return }
        position = .closed
        consecutiveFailures = 0
        openedAt = nil
        probing = true
    }

    /// A health check failed: skip the API until one succeeds. True when this opened the circuit.
    @discardableResult
    public mutating func healthCheckFailed(_ reason: String, at now: Date = Date()) -> Bool {
        lastReason = reason
        guard position == .closed else { return false }
        open(at: now)
        return true
    }

    private mutating func open(at now: Date) {
        position = .open
        probing = false
        openedAt = now
        timesOpened += 1
    }
}

/// `CircuitState` shared by the FUSE worker threads and the health-check thread.
public final class CircuitBreaker: Sendable {
    public typealias Position = CircuitState.Position
    public typealias Snapshot = CircuitState

    public let threshold: Int
    private let state: Mutex<CircuitState>

    public init(threshold: Int = 3) {
        self.threshold = threshold
        state = Mutex(CircuitState(threshold: threshold))
    }

    public var snapshot: CircuitState { state.withLock { $0 } }
    public var allowsRequests: Bool { state.withLock { $0.allowsRequests } }

    public func recordSuccess() { state.withLock { $0.requestSucceeded() } }

    /// Counts a failed request; true when this failure opened the circuit.
    @discardableResult
    public func recordFailure(_ reason: String) -> Bool { state.withLock { $0.requestFailed(reason) } }

    public func healthCheckSucceeded() { state.withLock { $0.healthCheckSucceeded() } }

    public func healthCheckFailed(_ reason: String) { state.withLock { _ = $0.healthCheckFailed(reason) } }
}
