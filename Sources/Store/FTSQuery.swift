import FoundationEssentials

/// Turns the words and phrases of a `SearchRequest` into an FTS5 MATCH expression.
///
/// Every term is emitted as a double-quoted FTS5 string (quotes doubled), so no user text can be read
/// as FTS5 syntax (`AND`, `NEAR`, `*`, `:`, parentheses, column filters). Terms are joined by spaces,
/// which FTS5 reads as AND. Words get a trailing `*` (prefix match); phrases match exactly.
public enum FTSQuery {
    /// nil when no term has a character that the tokenizer keeps (then there is nothing to match).
    public static func expression(words: [String], phrases: [String]) -> String? {
        var parts: [String] = []
        // CJK characters are tokens of their own in the index (see `CJKText`): a CJK word is the
        // phrase of its characters.
        for word in words where hasTokenCharacter(word) { parts.append(quote(CJKText.spaced(word)) + "*") }
        for phrase in phrases where hasTokenCharacter(phrase) { parts.append(quote(CJKText.spaced(phrase))) }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    static func quote(_ term: String) -> String {
        // NUL would end the FTS5 string early ("unterminated string"): it separates words anyway.
        "\"" + term.replacing("\"", with: "\"\"").replacing("\0", with: " ") + "\""
    }

    /// unicode61 keeps letters, numbers and marks; a term of only punctuation yields no token, and an
    /// empty FTS5 string would match nothing, so such terms are dropped.
    public static func hasTokenCharacter(_ term: String) -> Bool {
        term.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
