import Cache
import Testing

/// The heap is trimmed once per burst of work, when the daemon has gone quiet, never while idle.
@Suite struct IdleTrimPolicyTests {
    @Test func trimsOnceAfterABurstOfWorkWhenQuiet() {
        var policy = IdleTrimPolicy(quietFraction: 0.01, workSeconds: 0.2)
        func observe(_ cpu: Double) -> Bool { policy.observe(cpuSeconds: cpu, period: 5) }
        #expect(!observe(1.0), "the first sample only sets the baseline")
        #expect(!observe(1.001), "idle since start: nothing to give back")
        #expect(!observe(3.0), "busy: no trim on the hot path")
        #expect(!observe(4.5), "still busy")
        #expect(observe(4.52), "quiet after 3.5 s of work: trim")
        #expect(!observe(4.53), "already trimmed for that burst")
        #expect(!observe(4.54))
    }

    @Test func smallWorkIsNotWorthATrim() {
        var policy = IdleTrimPolicy(quietFraction: 0.01, workSeconds: 0.2)
        func observe(_ cpu: Double) -> Bool { policy.observe(cpuSeconds: cpu, period: 5) }
        _ = observe(0)
        #expect(!observe(0.04), "a status read or two")
        #expect(!observe(0.08))
        // Small amounts add up: once 0.2 s of CPU was spent since the last trim, a quiet period trims.
        #expect(!observe(0.19), "0.11 s in 5 s is not quiet")
        #expect(observe(0.21))
    }

    @Test func processCPUSecondsGrowsWithWork() {
        let before = IdleTrimPolicy.processCPUSeconds()
        var x = 0.0
        for i in 0..<3_000_000 { x += Double(i).squareRoot() }
        #expect(x > 0)
        #expect(IdleTrimPolicy.processCPUSeconds() > before)
    }
}
