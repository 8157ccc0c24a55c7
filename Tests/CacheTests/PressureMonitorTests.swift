@testable import Cache
import Foundation
import Testing

private func reading(_ fraction: Double, stall: Double? = nil) -> PressureSignal.Reading {
    PressureSignal.Reading(source: "test", usedBytes: Int((fraction * 1_000_000).rounded()), limitBytes: 1_000_000,
                           stallPercent: stall)
}

/// One step of a level table: the used fraction (and stall) seen from a level, and the level that follows.
struct LevelCase: Sendable, CustomTestStringConvertible {
    var used: Double
    var stall: Double?
    var from: PressureLevel
    var expected: PressureLevel
    var testDescription: String { "\(used)\(stall.map { " stall \($0)" } ?? "") from \(from) → \(expected)" }
}

private let usedCases: [LevelCase] = [
    .init(used: 0.50, from: .normal, expected: .normal),
    .init(used: 0.69, from: .normal, expected: .normal),
    .init(used: 0.70, from: .normal, expected: .moderate),
    .init(used: 0.72, from: .normal, expected: .moderate),
    .init(used: 0.67, from: .moderate, expected: .moderate),  // hysteresis: 0.65 is enough to stay
    .init(used: 0.64, from: .moderate, expected: .normal),
    .init(used: 0.79, from: .moderate, expected: .moderate),
    .init(used: 0.81, from: .moderate, expected: .high),
    .init(used: 0.95, from: .normal, expected: .critical),    // levels can be skipped
    .init(used: 0.87, from: .critical, expected: .critical),
    .init(used: 0.84, from: .critical, expected: .high),
    .init(used: 0.74, from: .critical, expected: .moderate),
    .init(used: 0.50, from: .critical, expected: .normal),
    .init(used: 0.77, from: .high, expected: .high),
    .init(used: 0.89, from: .high, expected: .high),
    .init(used: 0.90, from: .high, expected: .critical),
]

private let stallCases: [LevelCase] = [
    .init(used: 0.10, stall: 9.9, from: .normal, expected: .normal),
    .init(used: 0.10, stall: 10, from: .normal, expected: .moderate),
    .init(used: 0.10, stall: 30, from: .normal, expected: .high),
    .init(used: 0.10, stall: 60, from: .normal, expected: .critical),
    .init(used: 0.10, stall: 22, from: .high, expected: .high),       // 25 − 5 keeps HIGH
    .init(used: 0.10, stall: 19, from: .high, expected: .moderate),
    .init(used: 0.10, stall: 46, from: .critical, expected: .critical),
    .init(used: 0.10, stall: 4, from: .moderate, expected: .normal),
    // The two signals combine with max.
    .init(used: 0.95, stall: 12, from: .normal, expected: .critical),
    .init(used: 0.72, stall: 30, from: .normal, expected: .high),
    .init(used: 0.72, stall: 0, from: .normal, expected: .moderate),
]

@Suite struct PressureMonitorTests {
    let monitor = PressureMonitor(signal: PressureSignal(procRoot: "/nonexistent", cgroupRoot: "/nonexistent"))

    @Test(arguments: usedCases)
    func usedFractionThresholdsWithHysteresis(_ step: LevelCase) {
        #expect(monitor.level(for: reading(step.used), current: step.from) == step.expected)
    }

    @Test(arguments: stallCases)
    func stallThresholdsCombineWithUsage(_ step: LevelCase) {
        #expect(monitor.level(for: reading(step.used, stall: step.stall), current: step.from) == step.expected)
    }

    @Test func levelsAreOrderedAndNamed() {
        #expect(PressureLevel.allCases.sorted() == [.normal, .moderate, .high, .critical])
        #expect(PressureLevel.allCases.map(\.description) == ["NORMAL", "MODERATE", "HIGH", "CRITICAL"])
    }

    @Test func aCustomPolicyMovesTheThresholds() throws {
        let constrained = try #require(CacheConfiguration.preset("constrained"))
        let monitor = PressureMonitor(signal: PressureSignal(procRoot: "/nonexistent", cgroupRoot: "/nonexistent"),
                                      policy: constrained.policy)
        #expect(monitor.level(for: reading(0.65), current: .normal) == .moderate)
        #expect(monitor.level(for: reading(0.82), current: .normal) == .critical)
        #expect(monitor.level(for: reading(0.56), current: .moderate) == .moderate)
        #expect(monitor.level(for: reading(0.54), current: .moderate) == .normal)
    }

    @Test func samplingFollowsTheTreeAndReportsOnlyChanges() throws {
        let tree = try TemporaryDirectory("pressure-monitor")
        func use(_ percent: Int, stall: Double? = nil) throws {
            let total = 1_000_000, available = total - total * percent / 100
            try tree.write("proc/meminfo", "MemTotal: \(total) kB\nMemAvailable: \(available) kB\n")
            if let stall {
                try tree.write("proc/pressure/memory", "some avg10=\(stall) avg60=0.00 avg300=0.00 total=1\n")
            } else {
                tree.remove("proc/pressure/memory")
            }
        }
        let changes = Recorder<PressureLevel>()
        let monitor = PressureMonitor(signal: PressureSignal(procRoot: tree.path + "/proc", cgroupRoot: tree.path + "/cgroup"),
                                      onChange: { changes.append($0) })
        #expect(monitor.sample() == nil)  // nothing to read yet: no sample, no change
        #expect(monitor.samples.isEmpty && monitor.level == .normal)

        let steps: [(percent: Int, stall: Double?, level: PressureLevel)] = [
            (50, nil, .normal), (75, nil, .moderate), (73, nil, .moderate), (67, nil, .moderate),
            (95, nil, .critical), (86, nil, .critical), (84, nil, .high), (50, 30, .high), (50, 21, .high),
            (50, 19, .moderate), (50, nil, .normal), (60, nil, .normal),
        ]
        for (index, step) in steps.enumerated() {
            try use(step.percent, stall: step.stall)
            let sample = try #require(monitor.sample())
            #expect(sample.level == step.level, "step \(index): \(step.percent)% stall \(String(describing: step.stall))")
            #expect(monitor.level == step.level)
            #expect(sample.source == (step.stall == nil ? "meminfo" : "psi"))
            #expect(sample.usedBytes == step.percent * 10_000 * 1024 && sample.limitBytes == 1_000_000 * 1024)
            #expect(abs(sample.usedPercent - Double(step.percent)) < 1e-9)
            #expect(sample.stallPercent == step.stall)
            #expect(monitor.latest == sample)
        }
        #expect(changes.all == [.moderate, .critical, .high, .moderate, .normal])
        #expect(monitor.transitions == 5)
        #expect(monitor.samples.map(\.level) == steps.map(\.level))
        #expect(monitor.samples.first?.availableMB == (500_000 * 1024) >> 20)

        // The ring keeps the latest 120 samples, in order.
        for percent in 0..<150 {
            try use(percent % 60)
            monitor.sample()
        }
        #expect(PressureMonitor.keptSamples == 120)
        #expect(monitor.samples.count == PressureMonitor.keptSamples)
        #expect(monitor.samples.map(\.usedBytes) == (30..<150).map { $0 % 60 * 10_000 * 1024 })
        #expect(monitor.samples.map(\.time) == monitor.samples.map(\.time).sorted())
        #expect(changes.all.count == 5 && monitor.transitions == 5)  // all of it stayed NORMAL
    }
}
