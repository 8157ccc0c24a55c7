/// FNV-1a, 64-bit: a hash that is the same in every run (Swift's `Hasher` is seeded per process), for
/// names that must survive a restart: disk-tier files, cache directories, content versions, chunk keys.
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func mix(_ text: String) {
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    /// Mixes `text` and then a separator, so that ("ab", "c") and ("a", "bc") differ.
    public mutating func mixField(_ text: String) {
        mix(text)
        value = (value ^ 0x1f) &* 0x100_0000_01b3
    }

    public static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.mix(text)
        return hash.value
    }
}
