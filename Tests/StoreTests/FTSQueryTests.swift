import Foundation
import Store
import TestSupport
import Testing

/// An FTS5 table configured like `SearchIndex`'s, in a temporary database, its text spaced as the
/// index spaces it (`CJKText`).
final class FTSTable {
    let temp: TempDirectory
    let db: SQLiteConnection

    init(rows: [(Int64, String, String, String)]) throws {
        temp = try TempDirectory()
        db = try SQLiteConnection(path: temp.path("fts.sqlite"), readOnly: false, create: true)
        try db.execute("""
            CREATE VIRTUAL TABLE fts USING fts5(filepath, tags, metadata,
                tokenize = 'unicode61 remove_diacritics 2', prefix = '2');
            """)
        for (id, filepath, tags, metadata) in rows {
            try db.query("INSERT INTO fts(rowid, filepath, tags, metadata) VALUES (?, ?, ?, ?)",
                         [.int(id), .text(CJKText.spaced(filepath)), .text(CJKText.spaced(tags)), .text(CJKText.spaced(metadata))])
        }
    }

    func match(_ expression: String) throws -> [Int64] {
        var ids: [Int64] = []
        try db.query("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid", [.text(expression)]) { ids.append($0.int(0)) }
        return ids
    }

    func match(words: [String] = [], phrases: [String] = []) throws -> [Int64] {
        guard let expression = FTSQuery.expression(words: words, phrases: phrases) else { return [] }
        return try match(expression)
    }
}

private let rows: [(Int64, String, String, String)] = [
    (1, "/notes/a.md", "work", "text: budget review for march"),
    (2, "/notes/b.md", "", "text: budget only"),
    (3, "/notes/c.md", "", "text: the review without money"),
    (4, "/shots/d.png", "paris, food", "ocr_result: Café crème on the menu"),
    (5, "/shots/e.png", "", "ocr_result: NEAR AND OR NOT filepath:x \"quoted\" (paren) a*b ^caret"),
    (6, "/shots/f.png", "", "ocr_result: 東京 weekly report 😀 emoji"),
    (7, "/notes/review-budget.md", "", "text: nothing else"),
]

@Suite struct FTSQueryTests {
    @Test func expressionShape() {
        #expect(FTSQuery.expression(words: ["budget"], phrases: []) == "\"budget\"*")
        #expect(FTSQuery.expression(words: ["a", "b"], phrases: ["c d"]) == "\"a\"* \"b\"* \"c d\"")
        #expect(FTSQuery.expression(words: ["say\"hi\""], phrases: ["\""]) == "\"say\"\"hi\"\"\"*")
        #expect(FTSQuery.expression(words: ["*", "^", "()"], phrases: ["--", ""]) == nil)
        #expect(FTSQuery.expression(words: [], phrases: []) == nil)
        #expect(FTSQuery.expression(words: ["!!", "x"], phrases: []) == "\"x\"*")
    }

    @Test func tokenCharacters() {
        for term in ["a", "É", "東", "٣", "5", "x-y", "Ⅻ"] { #expect(FTSQuery.hasTokenCharacter(term), "\(term)") }
        for term in ["", " ", "*", "\"", "😀", "-", "()", "\u{301}"] { #expect(!FTSQuery.hasTokenCharacter(term), "\(term)") }
    }

    static let hostile: [String] = [
        "\"", "\"\"", "\"\"\"", "a\"b", "'", "(", ")", "(a", "a)", "NEAR", "NEAR(", "NEAR(a b)", "NEAR(a b, 2)",
        "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "*", "a*", "*a", "**", "^", "^a", "a^", "filepath:x",
        "tags:work", "metadata:budget", "{filepath tags}:x", "-filepath:x", "x:", ":x", "+", "-", "a-b", "a+b",
        "café", "CAFÉ", "東京", "😀", "😀budget", "emoji😀", "e\u{301}", "\u{1}", "a\u{1F}b", "\\", "\\\"", "%", "_",
        "a.b.c", "1.5", "1e10", "NEAR/3", "a NEAR b", "\u{FEFF}x", "\u{200B}", "ﬁle", "Ⅻ", "١٢٣", "ⓐ", "x\u{7F}",
        String(repeating: "(", count: 100), String(repeating: "a", count: 5000),
    ]

    @Test func hostileWordsAndPhrasesAreAcceptedByFTS5() throws {
        let table = try FTSTable(rows: rows)
        for text in Self.hostile {
            for (words, phrases) in [([text], [String]()), ([], [text]), ([text, "budget"], [text]),
                                     (["budget"], ["review " + text])] {
                guard let expression = FTSQuery.expression(words: words, phrases: phrases) else { continue }
                #expect(throws: Never.self, "\(expression.debugDescription)") { _ = try table.match(expression) }
            }
        }
        // The whole list at once, as one long AND.
        #expect(throws: Never.self) { _ = try table.match(words: Self.hostile, phrases: Self.hostile) }
    }

    /// Regression (fixed): a NUL inside a term reaches FTS5, which reads the expression as a C string and stops at
    /// the NUL ("unterminated string"). Not reachable through file names (no NUL, and QueryParser
    /// rejects control characters), but FTSQuery promises that no user text can break the syntax.
    @Test func embeddedNULIsNotASyntaxError() throws {
        let table = try FTSTable(rows: rows)
        for (words, phrases) in [(["a\u{0}b"], [String]()), ([], ["a\u{0}b"]), (["budget"], ["review\u{0}x"])] {
            let expression = try #require(FTSQuery.expression(words: words, phrases: phrases))
            _ = try table.match(expression)
        }
    }

    @Test func syntaxIsMatchedAsText() throws {
        let table = try FTSTable(rows: rows)
        #expect(try table.match(words: ["NEAR"]) == [5])
        #expect(try table.match(words: ["AND", "OR", "NOT"]) == [5])
        #expect(try table.match(phrases: ["filepath:x"]) == [5])
        #expect(try table.match(words: ["filepath:x"]) == [5])
        #expect(try table.match(phrases: ["(paren)"]) == [5])
        #expect(try table.match(words: ["^caret"]) == [5])
        #expect(try table.match(words: ["\"quoted\""]) == [5])
    }

    @Test func implicitAnd() throws {
        let table = try FTSTable(rows: rows)
        #expect(try table.match(words: ["budget", "review"]) == [1, 7])  // 7 matches through its filepath
        #expect(try table.match(words: ["budget", "review", "march"]) == [1])
        #expect(try table.match(words: ["budget"]) == [1, 2, 7])
        #expect(try table.match(words: ["budget", "money"]) == [])
    }

    @Test func prefixAndPhrase() throws {
        let table = try FTSTable(rows: rows)
        #expect(try table.match(words: ["bud"]) == [1, 2, 7])
        #expect(try table.match(words: ["b"]) == [1, 2, 5, 7])  // 5 has "a*b", read as the tokens a and b
        #expect(try table.match(words: ["revi", "mar"]) == [1])
        #expect(try table.match(phrases: ["budget review"]) == [1])
        #expect(try table.match(phrases: ["review budget"]) == [7])
        #expect(try table.match(phrases: ["bud"]) == [])  // phrases are exact, not prefixes
        #expect(try table.match(phrases: ["budget only"]) == [2])
    }

    @Test func diacriticsAndCaseAreFolded() throws {
        let table = try FTSTable(rows: rows)
        #expect(try table.match(words: ["cafe"]) == [4])
        #expect(try table.match(words: ["CAFÉ"]) == [4])
        #expect(try table.match(words: ["creme"]) == [4])
        #expect(try table.match(phrases: ["cafe creme"]) == [4])
        #expect(try table.match(words: ["Paris"]) == [4])  // tags column
        #expect(try table.match(words: ["東京"]) == [6])
        #expect(try table.match(words: ["京"]) == [6])  // inside a run of ideographs, too
        #expect(try table.match(words: ["weekly", "emoji"]) == [6])
    }
}
