import Cache
import Testing

/// Bit by bit, straight from the definition (reflected polynomial 0x82F63B78), to check the table.
private func reference(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

private func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBytes { CRC32C.update(crc, $0) }
}

@Suite struct CRC32CTests {
    @Test func theStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(reference(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func iSCSITestVectors() {
        // RFC 3720, appendix B.4.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map(UInt8.init)) == 0x113F_DB5C)
    }

    @Test func theEmptyInputIsZero() {
        #expect(CRC32C.checksum([]) == 0)
        #expect(update(0, []) == 0)
        #expect(update(0xE306_9283, []) == 0xE306_9283)  // continuing over nothing changes nothing
    }

    @Test func incrementalUpdatesEqualOneShot() {
        var rng = LCG(seed: 99)
        for length in [1, 2, 7, 64, 255, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let whole = CRC32C.checksum(bytes)
            #expect(whole == reference(bytes), "length \(length)")
            // Every split point of short inputs, random ones of long ones.
            let splits = length <= 64 ? Array(0...length) : (0..<20).map { _ in Int.random(in: 0...length, using: &rng) }
            for split in splits {
                let first = update(0, bytes[..<split])
                #expect(update(first, bytes[split...]) == whole, "length \(length) split at \(split)")
            }
            // Many small pieces.
            var crc: UInt32 = 0, start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 1...17, using: &rng))
                crc = update(crc, bytes[start..<end])
                start = end
            }
            #expect(crc == whole, "length \(length) in pieces")
        }
    }

    @Test func everySingleBitFlipChangesTheChecksum() {
        let bytes = Array("RCFS disk tier entry: doc/1/v1/0".utf8)
        let original = CRC32C.checksum(bytes)
        for index in bytes.indices {
            for bit in 0..<8 {
                var flipped = bytes
                flipped[index] ^= 1 << bit
                #expect(CRC32C.checksum(flipped) != original, "byte \(index) bit \(bit)")
            }
        }
    }
}
