import TestSupport
import Testing
@testable import Tree

/// Runs `body` against a writer and returns what it emitted, checking that indices count up from 0.
private func chunks(_ chunkBytes: Int, _ body: (inout ChunkWriter) -> Void) -> (chunks: [[UInt8]], writer: ChunkWriter) {
    var emitted: [(Int, [UInt8])] = []
    var writer = ChunkWriter(chunkBytes: chunkBytes) { index, bytes in emitted.append((index, bytes)) }
    body(&writer)
    #expect(emitted.map(\.0) == Array(emitted.indices), "chunk indices")
    return (emitted.map(\.1), writer)
}

/// Text mixing one- to four-byte UTF-8 characters.
private func randomText(_ characters: Int, using rng: inout LCG) -> String {
    let alphabet: [Character] = ["a", "b", "Z", " ", "\n", "#", "é", "ß", "ж", "€", "中", "文", "😀", "𝄞", "👍🏽"]
    return String((0..<characters).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
}

@Suite struct ChunkWriterTests {
    @Test func everyChunkIsFullExceptTheLast() {
        let text = String(repeating: "0123456789", count: 25)  // 250 bytes
        let (out, writer) = chunks(64) { writer in
            writer.write(text)
            writer.finish()
        }
        #expect(out.map(\.count) == [64, 64, 64, 58])
        #expect(out.joined().elementsEqual(text.utf8))
        #expect(writer.total == 250 && writer.index == 4)
    }

    @Test func randomUTF8TextSurvivesTheCutting() {
        var rng = LCG(seed: 2026)
        for chunkBytes in [1, 2, 3, 5, 7, 64, 1000, 4096] {
            for _ in 0..<5 {
                let pieces = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                    randomText(Int.random(in: 0...200, using: &rng), using: &rng)
                }
                let input = pieces.joined()
                let expected = Array(input.utf8)
                let (out, writer) = chunks(chunkBytes) { writer in
                    for piece in pieces { writer.write(piece) }
                    writer.finish()
                }
                #expect(out.joined().elementsEqual(expected), "chunk size \(chunkBytes)")
                #expect(writer.total == expected.count)
                #expect(out.count == (expected.count + chunkBytes - 1) / chunkBytes)
                #expect(out.dropLast().allSatisfy { $0.count == chunkBytes }, "chunk size \(chunkBytes)")
                if let last = out.last { #expect((1...chunkBytes).contains(last.count)) }
                // What the chunks hold is bytes: a character cut in two decodes again once they are joined.
                #expect(String(decoding: out.joined(), as: UTF8.self) == input)
            }
        }
    }

    @Test func multiByteCharactersAreSplitAcrossChunks() {
        let text = "a€😀é中"  // 1 + 3 + 4 + 2 + 3 = 13 bytes
        let (out, _) = chunks(3) { writer in
            writer.write(text)
            writer.finish()
        }
        #expect(out == [[0x61, 0xE2, 0x82], [0xAC, 0xF0, 0x9F], [0x98, 0x80, 0xC3], [0xA9, 0xE4, 0xB8], [0xAD]])
        #expect(out.joined().elementsEqual(text.utf8))
    }

    @Test func writesOfAnySizeCutTheSameWay() {
        var rng = LCG(seed: 7)
        let text = randomText(3000, using: &rng)
        let (whole, _) = chunks(100) { writer in
            writer.write(text)
            writer.finish()
        }
        let (pieces, _) = chunks(100) { writer in
            var rest = Substring(text)
            while !rest.isEmpty {
                let count = Int.random(in: 0...250, using: &rng)
                writer.write(String(rest.prefix(count)))
                rest = rest.dropFirst(count)
            }
            writer.finish()
        }
        #expect(pieces == whole)
    }

    @Test func finishWithAnEmptyBufferEmitsNothing() {
        let (none, empty) = chunks(16) { writer in
            writer.write("")
            writer.finish()
            writer.finish()
        }
        #expect(none.isEmpty && empty.total == 0 && empty.index == 0)

        let (exact, writer) = chunks(16) { writer in
            writer.write(String(repeating: "x", count: 20))
            writer.write(String(repeating: "y", count: 12))  // exactly two chunks: both emitted by write
            #expect(writer.index == 2)
            writer.finish()
            writer.finish()
        }
        #expect(exact.map(\.count) == [16, 16] && writer.total == 32 && writer.index == 2)
    }

    @Test func nothingIsEmittedBeforeAChunkIsFull() {
        let (out, writer) = chunks(10) { writer in
            writer.write("123456789")
            #expect(writer.index == 0)
            writer.write("0")
            #expect(writer.index == 1)
            writer.write("ab")
        }
        #expect(out == [Array("1234567890".utf8)])  // "ab" waits for finish()
        #expect(writer.total == 12)
    }
}

/// A last, short chunk must not pin the writer's whole buffer: the cache charges it its own size.
@Suite struct ChunkCapacityTests {
    @Test func everyEmittedChunkHoldsOnlyItsOwnBytes() {
        var capacities: [(count: Int, capacity: Int)] = []
        var writer = ChunkWriter(chunkBytes: 1 << 20) { _, bytes in capacities.append((bytes.count, bytes.capacity)) }
        writer.write(String(repeating: "x", count: (1 << 20) + 300))
        writer.finish()
        #expect(capacities.map(\.count) == [1 << 20, 300])
        #expect(capacities.allSatisfy { $0.capacity < $0.count + 4096 })
    }
}
