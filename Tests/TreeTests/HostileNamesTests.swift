import Foundation
import Store
import StatusFiles
import Testing
import TestSupport
@testable import Tree

/// Names come from whoever walks the mount: a seeded fuzz of the parser and of the byte decoding, and
/// the characters that must be refused (or kept), with one error line per rejection.
@Suite struct HostileNamesTests {
    /// Scalars that make names look alike, reorder a terminal or forge lines, next to ones real text needs.
    static let palette: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", ":", ",", "-", "*", "(", "é", "ß", "日", "本", "🙂", "\u{200D}", "\u{200C}",
        "\u{0}", "\u{1}", "\n", "\t", "\u{7F}", "\u{85}", "\u{9F}", "\u{200B}", "\u{FEFF}", "\u{202A}", "\u{202E}",
        "\u{2066}", "\u{2069}", "\u{2028}", "\u{061C}", "\u{10FFFF}", "\\",
    ]
    static let fragments = ["app:", "library:", "type:", "after:", "before:", "date:", "limit:", "2026-01-15", "budget",
                            "\"", "limit:0", "limit:1000", "date:2026-13", "NEAR(", "AND", "x:y"]

    @Test func hundredThousandRandomNamesNeverTrap() {
        var random = LCG(seed: 7)
        var outcomes: [Int32: Int] = [:]
        for _ in 0..<100_000 {
            var name = ""
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                if Int.random(in: 0..<6, using: &random) == 0 {
                    name += Self.fragments.randomElement(using: &random)!
                } else {
                    name.unicodeScalars.append(Self.palette.randomElement(using: &random)!)
                }
            }
            if Int.random(in: 0..<50, using: &random) == 0 { name += String(repeating: "é", count: 130) }
            do {
                _ = try QueryParser.parse(name)
                outcomes[0, default: 0] += 1
                #expect(!name.unicodeScalars.contains(where: NameCharacters.isInvisibleControl))
                #expect(name.utf8.count <= 255)
            } catch {
                outcomes[error.errno, default: 0] += 1
                #expect(error.errno == EINVAL || error.errno == ENAMETOOLONG)
                #expect(!NameCharacters.escaped(error.reason).contains("\n"))
            }
        }
        #expect(outcomes[0, default: 0] > 1_000 && outcomes[EINVAL, default: 0] > 1_000 && outcomes[ENAMETOOLONG, default: 0] > 100)
    }

    @Test(arguments: ["\u{85}", "\u{9F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{200B}", "\u{FEFF}",
                      "\u{2028}", "\u{200E}", "\n", "\u{7F}"])
    func invisibleControlsAreRefused(_ scalar: String) {
        #expect(throws: QueryError.self) { try QueryParser.parse("budget\(scalar)review") }
    }

    @Test(arguments: ["👩\u{200D}💻 budget", "می\u{200C}خواهم", "café ☕️ 日本語"])
    func joinersAndRealTextAreKept(_ name: String) throws {
        _ = try QueryParser.parse(name)
    }

    @Test func tooLongIsENAMETOOLONG() {
        do { _ = try QueryParser.parse(String(repeating: "a", count: 256)); Issue.record("accepted") } catch {
            #expect(error.errno == ENAMETOOLONG)
        }
    }

    private func decode(_ fs: RecallFileSystem, _ bytes: [UInt8], parent: UInt64) -> Int32? {
        bytes.withUnsafeBytes { raw -> Int32? in
            do { _ = try fs.decodeName(raw, parent: parent, operation: "lookup"); return nil } catch let error as FSError { return error.errno } catch { return -1 }
        }
    }

    @Test func bytesAreDecodedStrictly() {
        let fs = RecallFileSystem(store: MockDocumentStore(), board: StatusBoard(), savedQueries: nil)
        // `budget\xff\xfe` and `budget\xfe\xff` must not alias one directory: both are refused.
        #expect(decode(fs, Array("budget".utf8) + [0xff, 0xfe], parent: Node.search.inode) == EINVAL)
        #expect(decode(fs, Array("budget".utf8) + [0xfe, 0xff], parent: Node.search.inode) == EINVAL)
        #expect(decode(fs, [0xc3], parent: Node.documents.inode) == ENOENT)
        #expect(decode(fs, Array(repeating: 0x61, count: 256), parent: Node.search.inode) == ENAMETOOLONG)
        #expect(decode(fs, Array(repeating: 0x61, count: 900), parent: Node.documents.inode) == ENAMETOOLONG)
        #expect(decode(fs, Array("café".utf8), parent: Node.search.inode) == nil)
        // Each rejection is one line, with the bytes escaped.
        #expect(fs.board.errors.count == 4)
        #expect(fs.board.errors.allSatisfy { !$0.path.contains("\n") && !$0.reason.contains("\n") })
        #expect(fs.board.errors[0].path.hasSuffix("budget\\xff\\xfe"))
    }

    @Test func aNewlineInANameCannotForgeErrorLines() throws {
        let fs = RecallFileSystem(store: MockDocumentStore(), board: StatusBoard(), savedQueries: nil)
        fs.attach(status: StatusFiles(tree: fs))
        #expect(throws: FSError.self) { try fs.lookup(parent: Node.search.inode, name: "x\n2026-01-01T00:00:00Z forged: EIO: fake") }
        let text = String(decoding: fs.statusContent(.errors), as: UTF8.self)
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.contains("\\n2026-01-01"))
    }
}

/// Slots for query names stay bounded, keep saved names, and drop the least recently used one.
@Suite struct QuerySlotTests {
    @Test func slotsAreBoundedAndSavedNamesKeepTheirs() {
        let store = MockDocumentStore()
        let fs = RecallFileSystem(store: store, board: StatusBoard(), savedQueries: nil)
        let queries = fs.queries
        queries.remember("kept")
        let kept = queries.slot(for: "kept")
        let first = queries.slot(for: "n0")
        for i in 1..<(QueryDirectories.maxSlots + 500) { _ = queries.slot(for: "n\(i)") }
        #expect(queries.name(forSlot: kept) == "kept")      // saved: never evicted
        #expect(queries.name(forSlot: first) == nil)        // least recently used: gone
        #expect(queries.name(forSlot: queries.slot(for: "n\(QueryDirectories.maxSlots + 499)")) != nil)
        for _ in 0..<10_000 { _ = queries.slot(for: "kept") }  // repeated uses do not pile up
        #expect(queries.usesQueued <= 4 * QueryDirectories.maxSlots + 1)
    }
}
