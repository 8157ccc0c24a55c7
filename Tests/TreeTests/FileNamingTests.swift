import Store
import Testing
@testable import Tree
import TestSupport

private let jan15 = Int64(1_768_469_400)  // 2026-01-15T09:30:00Z

private func summary(id: Int64 = 42, app: String? = "Firefox", filename: String = "shot.png",
                     createdAt: Int64 = jan15) -> EntitySummary {
    EntitySummary(id: id, libraryID: 1, filename: filename, createdAt: createdAt, app: app, version: "v")
}

@Suite struct FileNamingTests {
    @Test func slugUsesTimeAndApp() {
        #expect(FileNaming.slug(summary()) == "20260115-093000-Firefox")
        #expect(FileNaming.documentName(summary()) == "42-20260115-093000-Firefox.md")
    }

    /// Entities without an app (indexed files) are named by their file name's stem, without the time.
    @Test func slugFallsBackToFilenameStem() {
        #expect(FileNaming.slug(summary(app: nil, filename: "report.final.pdf")) == "report.final")
        #expect(FileNaming.slug(summary(app: "", filename: "notes.md")) == "notes")
        #expect(FileNaming.slug(summary(app: " \t/", filename: "notes.md")) == "notes")  // app cleans to nothing
        #expect(FileNaming.slug(summary(app: nil, filename: ".bashrc")) == "bashrc")
        #expect(FileNaming.slug(summary(app: nil, filename: "2026 plan / draft.md")) == "2026-plan-draft")
        #expect(FileNaming.documentName(summary(id: 9, app: nil, filename: "a b.txt")) == "9-a-b.md")
    }

    @Test(arguments: ["", ".", "...", "/.md", " .txt", "\u{7}.md"])
    func emptyStemFallsBackToTime(_ filename: String) {
        #expect(FileNaming.slug(summary(app: nil, filename: filename)) == "20260115-093000")
    }

    @Test func longFilenameStemIsTruncated() {
        let s = summary(id: 1, app: nil, filename: String(repeating: "ü", count: 300) + ".md")
        #expect(FileNaming.slug(s) == String(repeating: "ü", count: 100))
        #expect(FileNaming.documentName(s).utf8.count <= 255)
    }

    @Test(arguments: [
        ("Google Chrome", "Google-Chrome"), ("a/b\\c", "a-b-c"), ("tab\there", "tab-here"),
        ("multi   \t space", "multi-space"), ("line\nbreak\r\n", "line-break"), ("bell\u{7}\u{7F}", "bell"),
        ("  padded  ", "padded"), ("..hidden..", "hidden"), ("trailing-", "trailing"), ("a\u{2028}b", "a-b"),
        ("Café ☕️ 日本", "Café-☕️-日本"),
    ])
    func cleaning(_ app: String, _ expected: String) {
        let slug = FileNaming.slug(summary(app: app))
        #expect(slug == "20260115-093000-" + expected)
        #expect(!slug.contains("/"))
        #expect(!slug.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0.properties.isWhitespace })
    }

    @Test(arguments: [(1, 50, "001"), (7, 1, "007"), (42, 999, "042"), (1, 1000, "0001"), (1000, 1000, "1000"),
                      (12, 100, "012"), (3, 10_000, "00003")])
    func resultNamePadding(_ rank: Int, _ limit: Int, _ prefix: String) {
        let name = FileNaming.resultName(rank: rank, limit: limit, summary())
        #expect(name == "\(prefix)-42-20260115-093000-Firefox.md")
    }

    @Test func resultNamesSortByRank() {
        let names = (1...1000).map { FileNaming.resultName(rank: $0, limit: 1000, summary(id: Int64(2000 - $0))) }
        #expect(names.sorted() == names)
    }

    @Test(arguments: [Int64(1), 42, 999_999, 1 << 39, 999_999_999_999_999_999])
    func idRoundTrip(_ id: Int64) {
        let s = summary(id: id, app: "123-456 app")
        #expect(FileNaming.documentID(FileNaming.documentName(s)) == id)
        #expect(FileNaming.resultID(FileNaming.resultName(rank: 9, limit: 50, s)) == id)
        // A result name is not a document name of the same id.
        #expect(FileNaming.documentID(FileNaming.resultName(rank: 9, limit: 50, s)) == 9)
    }

    @Test(arguments: ["", "abc", "-42-x.md", "42", "42.md", "42x-y", "x42-y", "٤٢-x.md", "9999999999999999999-x", "12345678901234567890-x",
                      "+42-x", " 42-x"])
    func documentIDRejects(_ name: String) {
        #expect(FileNaming.documentID(name) == nil)
    }

    @Test(arguments: ["", "001", "001-", "001-x-y.md", "abc-42-x", "001-42", "-42-x", "001--42-x"])
    func resultIDRejects(_ name: String) {
        #expect(FileNaming.resultID(name) == nil)
    }

    @Test func resultIDParses() {
        #expect(FileNaming.resultID("001-42-20260115-093000-Firefox.md") == 42)
        #expect(FileNaming.resultID("1000-7-x.md") == 7)
    }

    @Test(arguments: [
        String(repeating: "é", count: 400),                   // 2-byte characters
        String(repeating: "日", count: 300),                  // 3-byte characters
        String(repeating: "😀", count: 120),                  // 4-byte scalars
        String(repeating: "👩‍👩‍👧‍👦", count: 40),          // 25-byte grapheme clusters
        String(repeating: "e\u{301}", count: 150),            // decomposed accents
        String(repeating: "a", count: 199) + "日本語テキスト",
        String(repeating: "ab ", count: 200),
    ])
    func longNamesStayWithinNameMax(_ app: String) {
        let s = summary(id: 999_999_999_999, app: app)
        let slug = FileNaming.slug(s)
        #expect(slug.utf8.count <= 200)
        #expect(!slug.hasSuffix("-"))
        for name in [FileNaming.documentName(s), FileNaming.resultName(rank: 1000, limit: 1000, s)] {
            #expect(name.utf8.count <= 255)
            #expect(name.hasSuffix(".md"))
        }
        // Only whole characters: the slug is a character prefix of the untruncated one.
        let label = String(slug.dropFirst("20260115-093000-".count))
        let cleanedApp = app.split(separator: " ").joined(separator: "-")
        #expect(cleanedApp.hasPrefix(label))
        #expect(label.unicodeScalars.last.map { !$0.properties.isWhitespace } ?? true)
        #expect(FileNaming.documentID(FileNaming.documentName(s)) == 999_999_999_999)
    }

    @Test func namesAreDeterministic() {
        let s = summary(app: "Some App / With Stuff")
        #expect(FileNaming.documentName(s) == FileNaming.documentName(s))
        var other = s
        other.version = "changed"
        #expect(FileNaming.documentName(other) == FileNaming.documentName(s))
        other.createdAt += 1
        #expect(FileNaming.documentName(other) != FileNaming.documentName(s))
    }

    @Test(arguments: [
        ("work/personal", "work\u{2215}personal"), ("a\u{0}b\u{1F}c\u{7F}", "a-b-c-"), ("", "library-7"),
        (".", "library-7"), ("..", "library-7"), ("...", "..."), ("My Notes", "My Notes"), ("/", "\u{2215}"),
        ("日本", "日本"),
    ])
    func libraryNames(_ name: String, _ expected: String) {
        let result = FileNaming.libraryName(Library(id: 7, name: name, kind: "static"))
        #expect(result == expected)
        #expect(!result.contains("/"))
    }

    @Test func longLibraryNameIsTruncatedAtCharacterBoundary() {
        let name = FileNaming.libraryName(Library(id: 1, name: String(repeating: "日", count: 100), kind: "static"))
        #expect(name.utf8.count <= 255)
        #expect(name == String(repeating: "日", count: 85))
    }

    /// One grapheme cluster longer than 255 bytes: truncation at character boundaries leaves nothing.
    /// Regression (fixed): `libraryName` checks for an empty name before truncating, so the result is "".
    @Test func libraryNameOfOneHugeGraphemeIsNotEmpty() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 200)  // one Character, 401 bytes
        let name = FileNaming.libraryName(Library(id: 3, name: zalgo, kind: "static"))
        #expect(name.utf8.count <= 255)
        #expect(!name.isEmpty)
    }
}

@Suite struct CleanASCIITests {
    @Test func theASCIIPathAgreesWithTheScalarPath() {
        var random = LCG(seed: 42)
        let alphabet = Array(" \t\n\r\u{0B}\u{0C}\u{7F}\u{01}/\\.-_aZ09:()")
        for _ in 0..<5_000 {
            let text = String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            #expect(FileNaming.cleanASCII(text) == FileNaming.cleanScalars(text), "\(text.debugDescription)")
        }
        #expect(FileNaming.cleanASCII("Zürich") == nil)
    }
}
