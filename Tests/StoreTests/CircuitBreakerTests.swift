import Foundation
@testable import Store
import Testing
import TestSupport

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

        circuit.recordSuccess()  // the probe after closing worked: back to counting to the threshold
        circuit.recordFailure("x")
        circuit.healthCheckSucceeded()  // a healthy check does not clear a run of failed requests
        #expect(circuit.snapshot.consecutiveFailures == 1 && circuit.allowsRequests)
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
            circuit.recordSuccess()  // the probe works: the next failures count to the threshold again
        }
    }

    // MARK: - RequestDeadline

    @Test func noDeadlineByDefault() {
        #expect(RequestDeadline.remaining == nil)
        #expect((try? RequestDeadline.check()) != nil)
    }

    @Test func innerDeadlinesCannotExtendOuterOnes() throws {
        try RequestDeadline.with(seconds: 0.5) {
            let outer = try #require(RequestDeadline.remaining)
            #expect(outer > 0 && outer <= 0.5)
            RequestDeadline.with(seconds: 10) { #expect(RequestDeadline.remaining! <= 0.5) }
            RequestDeadline.with(seconds: 0.1) { #expect(RequestDeadline.remaining! <= 0.1) }
        }
        #expect(RequestDeadline.remaining == nil)  // restored
    }

    @Test func anExpiredDeadlineIsUnavailable() {
        RequestDeadline.with(seconds: 0) {
            let error = #expect(throws: StoreError.self) { try RequestDeadline.check("x") }
            #expect(unavailableReason(error)?.contains("time budget") == true)
        }
    }

    /// A peer that accepts the connection and never answers (a `kill -STOP`ped server) costs the caller
    /// its budget, not the client's own longer timeout: the budget caps both of curl's timeouts.
    @Test func theBudgetCapsCurlsTimeouts() throws {
        let client = HTTPClient(baseURL: "http://127.0.0.1:9", connectTimeout: 1, timeout: 30)
        let free = try #require(client.timeouts(requested: 30))
        #expect(free.total == 30 && free.connect == 1)
        try RequestDeadline.with(seconds: 0.3) {
            let capped = try #require(client.timeouts(requested: 30))
            #expect(capped.total <= 0.3 && capped.connect <= 0.3 && capped.total > 0)
        }
        RequestDeadline.with(seconds: 0) { #expect(client.timeouts(requested: 30) == nil) }
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
