import Foundation
import Store
import Testing

private struct Boom: Error, Equatable { var code: Int }

@Suite struct CircuitBreakerTests {
    @Test func startsClosed() {
        let circuit = CircuitBreaker()
        let s = circuit.snapshot
        #expect(circuit.threshold == 3)
        #expect(s.position == .closed && s.consecutiveFailures == 0 && s.openedAt == nil && s.lastReason == nil && s.timesOpened == 0)
        #expect(circuit.allowsRequests)
    }

    @Test(arguments: [1, 2, 3, 5])
    func opensAtTheThreshold(_ threshold: Int) {
        let circuit = CircuitBreaker(threshold: threshold)
        for failure in 1..<threshold {
            #expect(!circuit.recordFailure("f\(failure)"))
            #expect(circuit.allowsRequests)
        }
        #expect(circuit.recordFailure("last"))  // this one opened it
        let s = circuit.snapshot
        #expect(s.position == .open && !circuit.allowsRequests)
        #expect(s.consecutiveFailures == threshold && s.lastReason == "last" && s.openedAt != nil && s.timesOpened == 1)
        #expect(!circuit.recordFailure("again"))  // already open: not opened again
        #expect(circuit.snapshot.timesOpened == 1)
        #expect(circuit.snapshot.lastReason == "again")
    }

    @Test func successResetsTheCount() {
        let circuit = CircuitBreaker(threshold: 3)
        circuit.recordFailure("a")
        circuit.recordFailure("b")
        circuit.recordSuccess()
        #expect(circuit.snapshot.consecutiveFailures == 0)
        circuit.recordFailure("c")
        circuit.recordFailure("d")
        #expect(circuit.allowsRequests)
        #expect(circuit.snapshot.consecutiveFailures == 2)
        #expect(circuit.recordFailure("e"))
    }

    @Test func successDoesNotCloseAnOpenCircuit() {
        let circuit = CircuitBreaker(threshold: 1)
        circuit.recordFailure("down")
        circuit.recordSuccess()
        #expect(circuit.snapshot.position == .open)
    }

    @Test func healthChecks() {
        let circuit = CircuitBreaker(threshold: 2)
        circuit.healthCheckFailed("health: refused")
        var s = circuit.snapshot
        #expect(s.position == .open && s.timesOpened == 1 && s.lastReason == "health: refused" && s.openedAt != nil)
        circuit.healthCheckFailed("still down")  // stays open, not counted again
        s = circuit.snapshot
        #expect(s.position == .open && s.timesOpened == 1 && s.lastReason == "still down")

        circuit.healthCheckSucceeded()
        s = circuit.snapshot
        #expect(s.position == .closed && s.consecutiveFailures == 0 && s.openedAt == nil && s.timesOpened == 1)
        #expect(circuit.allowsRequests)

        circuit.recordFailure("x")
        circuit.healthCheckSucceeded()  // a healthy check also clears a partial count
        #expect(circuit.snapshot.consecutiveFailures == 0)
    }

    @Test func timesOpenedCountsEveryOpening() {
        let circuit = CircuitBreaker(threshold: 2)
        for round in 1...4 {
            if round.isMultiple(of: 2) {
                circuit.healthCheckFailed("h\(round)")
            } else {
                circuit.recordFailure("a")
                circuit.recordFailure("b")
            }
            #expect(circuit.snapshot.position == .open)
            #expect(circuit.snapshot.timesOpened == round)
            circuit.healthCheckSucceeded()
        }
    }

    // MARK: - Deadline

    @Test func deadlineReturnsTheValue() throws {
        #expect(try Deadline.run(seconds: 5) { 42 } == 42)
        #expect(try Deadline.run(seconds: 5) { "text" } == "text")
        #expect(try Deadline.run(seconds: 5) { [1, 2, 3] } == [1, 2, 3])
    }

    @Test func deadlineRethrowsTheBodysError() {
        #expect(throws: Boom(code: 7)) { try Deadline.run(seconds: 5) { () throws -> Int in throw Boom(code: 7) } }
        #expect(throws: StoreError.invalid("bad")) { try Deadline.run(seconds: 5) { () throws -> Int in throw StoreError.invalid("bad") } }
    }

    @Test func slowBodyIsUnavailable() {
        let error = #expect(throws: StoreError.self) {
            try Deadline.run(seconds: 0.05) { () -> Int in Thread.sleep(forTimeInterval: 0.4); return 1 }
        }
        #expect(unavailableReason(error)?.contains("no answer within") == true)
    }

    @Test func slowFailingBodyIsAlsoUnavailable() {
        let error = #expect(throws: StoreError.self) {
            try Deadline.run(seconds: 0.05) { () throws -> Int in Thread.sleep(forTimeInterval: 0.4); throw Boom(code: 1) }
        }
        #expect(unavailableReason(error) != nil)
    }

    /// A frozen peer leaves abandoned calls behind, each blocked until its transfer times out (the FUSE
    /// requests during a `kill -STOP` leave one each). A new call to a peer that answers at once must still
    /// get to run within its limit; here every call waits behind the blocked ones.
    @Test func newBodyRunsWhileAbandonedBodiesStillBlock() {
        for _ in 0..<8 { DispatchQueue.global().async { Thread.sleep(forTimeInterval: 0.8) } }  // what abandoned calls do
        #expect((try? Deadline.run(seconds: 0.4) { true }) == true)
    }

    // MARK: - LatencyWindow

    @Test func emptyWindow() {
        let window = LatencyWindow()
        #expect(window.count == 0 && window.total == 0)
        #expect(window.percentiles.p50 == 0 && window.percentiles.p95 == 0)
        #expect(window.averageMilliseconds == 0)
    }

    @Test func percentilesAndAverage() {
        var window = LatencyWindow()
        for ms in (1...100).shuffled() { window.add(Double(ms) / 1000) }
        #expect(window.count == 100)
        #expect(abs(window.percentiles.p50 - 50) < 1e-9)
        #expect(abs(window.percentiles.p95 - 95) < 1e-9)
        #expect(abs(window.averageMilliseconds - 50.5) < 1e-9)
        #expect(abs(window.total - 5.05) < 1e-9)
    }

    @Test func oneSample() {
        var window = LatencyWindow()
        window.add(0.25)
        #expect(window.percentiles.p50 == 250 && window.percentiles.p95 == 250)
        #expect(window.averageMilliseconds == 250)
    }

    @Test func percentilesForgetOldSamplesButTheAverageDoesNot() {
        var window = LatencyWindow()
        for _ in 0..<512 { window.add(1) }
        for _ in 0..<512 { window.add(0.002) }
        #expect(window.count == 1024)
        #expect(abs(window.percentiles.p50 - 2) < 1e-9)
        #expect(abs(window.percentiles.p95 - 2) < 1e-9)
        #expect(abs(window.averageMilliseconds - (512 + 512 * 0.002) / 1024 * 1000) < 1e-6)
        window.add(5)  // overwrites the oldest of the recent ones
        #expect(abs(window.percentiles.p50 - 2) < 1e-9)
        #expect(window.percentiles.p95 < 5000)
    }
}
