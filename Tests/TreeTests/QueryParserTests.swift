import Store
import Testing
import Tree

/// Unix seconds of a UTC day (values checked with `date -u -d … +%s`).
private let jan1_2026: Int64 = 1_767_225_600
private let feb1_2026: Int64 = 1_769_904_000
private let mar1_2026: Int64 = 1_772_323_200
private let dec1_2026: Int64 = 1_796_083_200
private let jan1_2027: Int64 = 1_798_761_600

/// The reason of the QueryError that parsing `name` throws, or nil if it parsed.
private func rejection(_ name: String) -> String? {
    do {
        _ = try QueryParser.parse(name)
        return nil
    } catch {
        return error.reason
    }
}

@Suite struct QueryParserTests {
    @Test func wordsAndPhrases() throws {
        let r = try QueryParser.parse("budget \"quarterly review\" march")
        #expect(r.words == ["budget", "march"])
        #expect(r.phrases == ["quarterly review"])
        #expect(r.limit == QueryParser.defaultLimit)
        #expect(!r.isListMode)
        #expect(r.apps.isEmpty && r.libraries.isEmpty && r.types.isEmpty)
        #expect(r.start == nil && r.end == nil)
    }

    @Test func phraseDirectlyAfterWordSplitsThere() throws {
        let r = try QueryParser.parse("foo\"bar baz\"")
        #expect(r.words == ["foo"])
        #expect(r.phrases == ["bar baz"])
    }

    @Test func keysAreCaseInsensitive() throws {
        let r = try QueryParser.parse("APP:Firefox Limit:7 x")
        #expect(r.apps == ["Firefox"])
        #expect(r.limit == 7)
    }

    @Test func quotedFilterValue() throws {
        let r = try QueryParser.parse("app:\"Google Chrome\" library:\"my notes\" invoice")
        #expect(r.apps == ["Google Chrome"])
        #expect(r.libraries == ["my notes"])
        #expect(r.words == ["invoice"])
        #expect(r.phrases.isEmpty)
    }

    @Test func commaListsAccumulate() throws {
        let r = try QueryParser.parse("app:Firefox,Safari app:Code library:work,home type:Image,TEXT,markdown")
        #expect(r.apps == ["Firefox", "Safari", "Code"])
        #expect(r.libraries == ["work", "home"])
        #expect(r.types == ["image", "text", "markdown"])
        #expect(r.isListMode)
    }

    @Test func libraryNamesAsListedUnderLibraries() throws {
        // libraries/ shows '/' as U+2215, and a name copied from there means the real library.
        let r = try QueryParser.parse("library:work\u{2215}notes,home x")
        #expect(r.libraries == ["work/notes", "home"])
        #expect(try QueryParser.parse("library:\"my\u{2215}notes\"").libraries == ["my/notes"])
    }

    @Test(arguments: ["app:a,,b", "app:,a", "library:a,", "type:,"])
    func emptyListItemIsRejected(_ name: String) {
        #expect(rejection(name)?.contains("empty item") == true)
    }

    @Test func afterAndBefore() throws {
        let r = try QueryParser.parse("after:2026-01-15T09:30 before:2026-01-15T10:05:30")
        #expect(r.start == 1_768_469_400)
        #expect(r.end == 1_768_471_530)
        let day = try QueryParser.parse("after:2026-01-01 before:2026-02-01")
        #expect(day.start == jan1_2026)
        #expect(day.end == feb1_2026)
    }

    @Test(arguments: [
        ("date:2026", jan1_2026, jan1_2027),
        ("date:2026-02", feb1_2026, mar1_2026),
        ("date:2026-12", dec1_2026, jan1_2027),
        ("date:2026-01-15", 1_768_435_200, 1_768_521_600),
        ("date:2024-02-29", 1_709_164_800, 1_709_251_200),
        ("date:2000-02-29", 951_782_400, 951_868_800),
        ("date:2026-04-30", 1_777_507_200, 1_777_593_600),
        ("date:2026-01-31", 1_769_817_600, feb1_2026),
    ])
    func dateRanges(_ name: String, _ start: Int64, _ end: Int64) throws {
        let r = try QueryParser.parse(name)
        #expect(r.start == start)
        #expect(r.end == end)
    }

    @Test func dateIntersectsWithAfterAndBefore() throws {
        let r = try QueryParser.parse("date:2026-02 after:2026-02-10 before:2026-03-15")
        #expect(r.start == feb1_2026 + 9 * 86_400)
        #expect(r.end == mar1_2026)
    }

    @Test(arguments: [
        "date:2026-13", "date:2026-00", "date:2026-02-30", "date:2026-02-29", "date:1900-02-29",
        "date:2026-04-31", "date:2026-06-31", "date:2026-1", "date:26", "date:2026-01-1", "date:2026-01-15T10:00",
        "date:٢٠٢٦", "date:2026-01-01-01", "date:abcd", "after:2026-02-30", "after:2026-01-15T24:00",
        "after:2026-01-15T10:60", "after:2026-01-15T10:00:60", "after:2026-01-15T10", "after:2026-01-15T10:00:00:00",
        "after:2026-01-15T-1:00", "before:yesterday", "after:2026/01/15",
    ])
    func badDatesAreRejected(_ name: String) {
        #expect(rejection(name)?.contains("not a date") == true)
    }

    @Test(arguments: ["limit:1", "limit:50", "limit:1000"])
    func limitInRange(_ name: String) throws {
        let r = try QueryParser.parse(name)
        #expect(r.limit == Int(name.dropFirst("limit:".count)))
        #expect(r.isListMode)
    }

    @Test(arguments: ["limit:0", "limit:1001", "limit:abc", "limit:-5", "limit:1.5", "limit:99999999999999999999"])
    func limitOutOfRange(_ name: String) {
        #expect(rejection(name)?.contains("limit:") == true)
    }

    @Test(arguments: ["after:2026-01-01 after:2026-02-01", "limit:5 limit:6", "before:2026-01-01 BEFORE:2026-02-01",
                      "date:2026 date:2027"])
    func duplicateSingleValuedFilter(_ name: String) {
        #expect(rejection(name)?.contains("twice") == true)
    }

    @Test(arguments: ["after:2026-02-01 before:2026-01-01", "after:2026-01-01 before:2026-01-01",
                      "date:2026-01 after:2026-02-01", "date:2026-01-15 before:2026-01-15"])
    func emptyTimeRange(_ name: String) {
        #expect(rejection(name)?.contains("empty range") == true)
    }

    @Test(arguments: ["colour:red", "filepath:x", "http://example.com", "a:b:c", "Tags:work"])
    func unknownKeyIsRejected(_ name: String) {
        let reason = rejection(name)
        #expect(reason?.contains("unknown filter") == true)
        #expect(reason?.contains("double quotes") == true)
    }

    @Test func quotedUnknownKeyIsText() throws {
        let r = try QueryParser.parse("\"filepath:x\"")
        #expect(r.phrases == ["filepath:x"])
    }

    @Test(arguments: ["app:", "library:", "limit:", "app:\"\"", "type: x"])
    func emptyValueIsRejected(_ name: String) {
        #expect(rejection(name)?.contains("needs a value") == true)
    }

    @Test(arguments: ["\"unclosed", "word \"", "app:\"Google Chrome", "\"a\" \"b", "\""])
    func unclosedQuote(_ name: String) {
        #expect(rejection(name) == "unclosed double quote")
    }

    @Test(arguments: [
        ("", "empty"), (".", "empty"), ("..", "empty"),
        ("budget ", "ends with whitespace"), (" budget", "starts with whitespace"),
        ("budget\u{00A0}", "ends with whitespace"), ("   ", "whitespace"),
        ("bud\tget", "control character"), ("a\nb", "control character"), ("x\u{7F}", "control character"),
        ("\u{1B}[31m", "control character"), ("zero\u{0}byte", "control character"),
    ])
    func hostileNames(_ name: String, _ expected: String) {
        #expect(rejection(name)?.contains(expected) == true)
    }

    @Test func nameLongerThan255BytesIsRejected() {
        #expect(rejection(String(repeating: "é", count: 128))?.contains("255 bytes") == true)
        #expect(rejection(String(repeating: "a", count: 255)) == nil)
    }

    @Test(arguments: ["!!!", "*", "^", "...", "\"!?\"", "\"\"", "- + -", "()", "😀"])
    func nothingToSearchFor(_ name: String) {
        #expect(rejection(name)?.contains("no word to search for") == true)
    }

    @Test func bareKeyWithoutColonIsAWord() throws {
        #expect(try QueryParser.parse("limit").words == ["limit"])
        #expect(try QueryParser.parse(":app").words == [":app"])
    }

    @Test func punctuationTermsAreDroppedButOthersKept() throws {
        let r = try QueryParser.parse("* budget ^ \"--\" \"q1 plan\"")
        #expect(r.words == ["budget"])
        #expect(r.phrases == ["q1 plan"])
    }

    /// FTS5 syntax is ordinary text here: it either parses into words/phrases or throws QueryError.
    @Test(arguments: [
        "AND", "OR", "NOT", "budget AND review", "a OR b", "NOT x", "NEAR(a b)", "NEAR(a b, 3)", "budget*",
        "^start", "col:\"x\"", "(a OR b)", "a + b", "{filepath tags}: x", "\"a\" AND \"b\"", "-x", "a\"b\"c",
        "\"\"\"\"", "'single'", "café", "日本語", "emoji 😀 test", "x:\"y\" z", "_:y", "NEAR(", "OR OR OR",
        "ab\u{301}c", "\u{301}", "Ⓐ", "\u{200B}", "a\u{2028}b", "100%", "$(rm -rf)", "`id`", "%00", "\\",
    ])
    func ftsSyntaxNeverCrashes(_ name: String) {
        do {
            let r = try QueryParser.parse(name)
            // Everything kept must be something the tokenizer can match.
            #expect((r.words + r.phrases).allSatisfy(FTSQuery.hasTokenCharacter))
            #expect(!(r.words.isEmpty && r.phrases.isEmpty && r.apps.isEmpty && r.libraries.isEmpty))
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func ftsOperatorsBecomeWords() throws {
        let r = try QueryParser.parse("budget AND review NEAR(x")
        #expect(r.words == ["budget", "AND", "review", "NEAR(x"])
    }

    @Test func filterOnlyQueriesAreListMode() throws {
        let r = try QueryParser.parse("app:Firefox limit:10")
        #expect(r.isListMode)
        #expect(r.limit == 10)
        #expect(r.apps == ["Firefox"])
    }

    /// Regression (fixed): DateFilter.instant splits the value on "T" (dropping empty pieces) and reads `parts[0]`,
    /// so `after:T` traps (index out of range) instead of throwing QueryError. Runs in a child process.
    @Test func timeFilterOfOnlyTDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            for name in ["after:T", "before:T", "after:TT"] {
                _ = try? QueryParser.parse(name)
            }
        }
    }
}
