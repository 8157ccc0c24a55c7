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

    /// Half-open: the first request after a health check closed the circuit is a probe; if it fails,
    /// the circuit opens again at once, not after `threshold` more failures.
    @Test func failedProbeAfterAHealthCheckReopensAtOnce() {
        var s = CircuitState(threshold: 3)
        _ = s.healthCheckFailed("down", at: t0)
        s.healthCheckSucceeded()
        #expect(s.position == .closed && s.probing)
        let reopened = s.requestFailed("still slow", at: t0)
        #expect(reopened)
        #expect(s.position == .open && s.timesOpened == 2)
        s.healthCheckSucceeded()
        s.requestSucceeded()
        #expect(!s.probing)
        let openedByOne = s.requestFailed("one", at: t0)
        #expect(!openedByOne && s.position == .closed, "a confirmed circuit counts to the threshold again")
    }

    /// Failed probes back off: the circuit stays open 1, 2, 4, then 8 s after each, however often the
    /// health endpoint answers; a request that works ends the back-off.
    @Test func failedProbesBackOff() {
        var s = CircuitState(threshold: 1)
        _ = s.requestFailed("timeout", at: t0)
        var now = t0
        for (round, pause) in [1.0, 2, 4, 8, 8].enumerated() {
            s.healthCheckSucceeded(at: now)
            #expect(s.probing, "round \(round)")
            let probeReopened = s.requestFailed("probe timed out", at: now)
            #expect(probeReopened)
            #expect(s.probePause == pause)
            s.healthCheckSucceeded(at: now.addingTimeInterval(pause - 0.1))
            #expect(s.position == .open, "still pausing in round \(round)")
            now = now.addingTimeInterval(pause)
        }
        s.healthCheckSucceeded(at: now)
        s.requestSucceeded()
        #expect(s.failedProbes == 0 && s.probePause == 0 && s.position == .closed)
    }

    /// An API whose health endpoint answers while every request times out: health checks in between
    /// do not reset the count, so the circuit opens after `threshold` failed requests.
    @Test func healthChecksDoNotHideFailingRequests() {
        var s = CircuitState(threshold: 3)
        for i in 1...3 {
            s.healthCheckSucceeded()
            let opened = s.requestFailed("timeout \(i)", at: t0)
            #expect(opened == (i == 3))
        }
        #expect(s.position == .open)
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
