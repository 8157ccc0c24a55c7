import FoundationEssentials
import Logging
import Store
import Synchronization

/// Memory pressure, in four levels.
public enum PressureLevel: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case normal, moderate, high, critical
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { ["NORMAL", "MODERATE", "HIGH", "CRITICAL"][rawValue] }
}

/// Thresholds and targets, per level. The defaults follow Chrome's and GLib's choices (see README).
public struct PressurePolicy: Sendable, Equatable {
    /// Used fraction of the limit at which each level (moderate, high, critical) begins.
    public var usedThresholds: [Double] = [0.70, 0.80, 0.90]
    /// PSI `some avg10` (percent) at which each level begins.
    public var stallThresholds: [Double] = [10, 25, 50]
    /// A level is left only when the signal is this far below its threshold.
    public var hysteresis: Double = 0.05
    /// Memory-tier target as a fraction of the budget, per level.
    public var targetFractions: [Double] = [1.0, 0.75, 0.5, 0.25]
    public init() {}
}

/// Samples the memory signal every interval, keeps the last samples, and turns the reading into a level
/// with hysteresis; `onChange` gets each new level (the cache lowers its target then).
public final class PressureMonitor: Sendable {
    public struct Sample: Sendable, Equatable {
        public var time: Date
        public var level: PressureLevel
        public var source: String
        public var usedBytes: Int
        public var limitBytes: Int
        public var stallPercent: Double?
        public var usedPercent: Double { limitBytes > 0 ? Double(usedBytes) * 100 / Double(limitBytes) : 0 }
        public var availableMB: Int { max(0, limitBytes - usedBytes) >> 20 }
    }

    public static let keptSamples = 120
    public let signal: PressureSignal
    public let policy: PressurePolicy
    private let state = Mutex((level: PressureLevel.normal, samples: [Sample](), transitions: 0))
    private let onChange: @Sendable (PressureLevel) -> Void
    private let onSample: @Sendable (Sample) -> Void
    private let logger = Logger(label: "recallfs.pressure")

    public init(signal: PressureSignal = PressureSignal(), policy: PressurePolicy = PressurePolicy(),
                onSample: @escaping @Sendable (Sample) -> Void = { _ in },
                onChange: @escaping @Sendable (PressureLevel) -> Void = { _ in }) {
        self.signal = signal
        self.policy = policy
        self.onChange = onChange
        self.onSample = onSample
    }

    public var level: PressureLevel { state.withLock { $0.level } }
    public var samples: [Sample] { state.withLock { $0.samples } }
    public var latest: Sample? { state.withLock { $0.samples.last } }
    public var transitions: Int { state.withLock { $0.transitions } }

    /// The level for a reading, given the current level (hysteresis: going down needs a margin).
    public func level(for reading: PressureSignal.Reading, current: PressureLevel) -> PressureLevel {
        func byThresholds(_ value: Double, _ thresholds: [Double], margin: Double) -> PressureLevel {
            var level = PressureLevel.normal
            for (index, threshold) in thresholds.enumerated() {
                let candidate = PressureLevel(rawValue: index + 1)!
                // Staying at (or above) a level the monitor is already at needs only threshold - margin.
                let bar = candidate <= current ? threshold - margin : threshold
                if value >= bar { level = candidate }
            }
            return level
        }
        let fromBytes = byThresholds(reading.usedFraction, policy.usedThresholds, margin: policy.hysteresis)
        let fromStall = reading.stallPercent.map { byThresholds($0, policy.stallThresholds, margin: policy.hysteresis * 100) } ?? .normal
        return max(fromBytes, fromStall)
    }

    /// Takes one sample now; returns it.
    @discardableResult
    public func sample() -> Sample? {
        guard let reading = signal.read() else { return nil }
        let (sample, changed) = state.withLock { s -> (Sample, Bool) in
            let next = level(for: reading, current: s.level)
            let sample = Sample(time: Date(), level: next, source: reading.source, usedBytes: reading.usedBytes,
                                limitBytes: reading.limitBytes, stallPercent: reading.stallPercent)
            s.samples.append(sample)
            if s.samples.count > Self.keptSamples { s.samples.removeFirst(s.samples.count - Self.keptSamples) }
            let changed = next != s.level
            if changed { s.level = next; s.transitions += 1 }
            return (sample, changed)
        }
        onSample(sample)
        if changed {
            logger.info("memory pressure \(sample.level) (\(sample.source): \(sample.usedBytes >> 20) of \(sample.limitBytes >> 20) MB used)")
            onChange(sample.level)
        }
        return sample
    }

    /// Samples every `interval` seconds on a thread of its own.
    public func start(interval: Double) {
        Periodic.run(every: interval, name: "recallfs-pressure") { [self] in sample() }
    }
}
