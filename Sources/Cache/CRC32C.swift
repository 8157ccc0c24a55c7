/// CRC-32C (Castagnoli), the checksum in every disk-tier file header. Table-driven software version:
/// the disk tier reads at most a few megabytes at a time, so this is not a bottleneck.
public enum CRC32C {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// Continues `crc` (start with 0) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var value = ~crc
        table.withUnsafeBufferPointer { t in
            for byte in bytes { value = t[Int((value ^ UInt32(byte)) & 0xff)] ^ (value >> 8) }
        }
        return ~value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { update(0, $0) } }
}
