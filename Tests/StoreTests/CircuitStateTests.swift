import Foundation
import Store
import TestSupport
import Testing

/// Each transition of the circuit's state machine on its own, as a value (no lock, no threads).
@Suite struct CircuitStateTests {
    let t0 = Date(timeIntervalSince1970: 1_000)

    @Test func closedFailureBelowTheThresholdStaysClosed() {
        var s = CircuitState(threshold: 3)
        let r1 = s.requestFailed("a", at: t0)
        #expect(!r1)
        #expect(s.position == .closed && s.consecutiveFailures == 1 && s.lastReason == "a" && s.openedAt == nil)
    }

    @Test func closedFailureAtTheThresholdOpens() {
        var s = CircuitState(threshold: 2)
        _ = s.requestFailed("a", at: t0)
        let r2 = s.requestFailed("b", at: t0)
        #expect(r2)
        #expect(s.position == .open && s.openedAt == t0 && s.timesOpened == 1 && !s.allowsRequests)
    }

    @Test func openFailureIsCountedButDoesNotReopen() {
        var s = CircuitState(threshold: 1)
        _ = s.requestFailed("a", at: t0)
        let r3 = s.requestFailed("b", at: t0.addingTimeInterval(5))
        #expect(!r3)
        #expect(s.timesOpened == 1 && s.openedAt == t0 && s.consecutiveFailures == 2 && s.lastReason == "b")
    }

    @Test func successResetsFailuresInEitherPosition() {
        var s = CircuitState(threshold: 1)
        _ = s.requestFailed("a", at: t0)
        s.requestSucceeded()
        #expect(s.consecutiveFailures == 0 && s.position == .open)  // only a health check closes it
    }

    @Test func healthCheckSuccessCloses() {
        var s = CircuitState(threshold: 1)
        _ = s.requestFailed("a", at: t0)
        s.healthCheckSucceeded()
        #expect(s.position == .closed && s.openedAt == nil && s.consecutiveFailures == 0 && s.timesOpened == 1)
    }

    @Test func healthCheckFailureOpensAClosedCircuitOnce() {
        var s = CircuitState(threshold: 5)
        let r4 = s.healthCheckFailed("down", at: t0)
        #expect(r4)
        let r5 = s.healthCheckFailed("still down", at: t0.addingTimeInterval(30))
        #expect(!r5)
        #expect(s.position == .open && s.timesOpened == 1 && s.openedAt == t0 && s.lastReason == "still down")
    }
}
