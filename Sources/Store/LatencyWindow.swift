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
