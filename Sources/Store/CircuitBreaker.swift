import Dispatch
import FoundationEssentials
import Glibc
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

    public init(threshold: Int) { self.threshold = threshold }

    public var allowsRequests: Bool { position == .closed }

    /// A request the API answered.
    public mutating func requestSucceeded() { consecutiveFailures = 0 }

    /// A request the API failed; true when this failure opened the circuit.
    public mutating func requestFailed(_ reason: String, at now: Date = Date()) -> Bool {
        consecutiveFailures += 1
        lastReason = reason
        guard position == .closed, consecutiveFailures >= threshold else { return false }
        open(at: now)
        return true
    }

    /// A health check answered: requests may try the API again.
    public mutating func healthCheckSucceeded() {
        position = .closed
        consecutiveFailures = 0
        openedAt = nil
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
