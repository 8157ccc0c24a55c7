/// A deterministic linear congruential generator (Knuth's MMIX constants), so that every test run sees
/// the same random trace. Shared by the test targets (test targets cannot share files).
public struct LCG: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}
