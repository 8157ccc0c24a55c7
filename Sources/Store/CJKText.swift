/// Chinese, Japanese and Korean text for the FTS5 index.
///
/// FTS5's `unicode61` tokenizer keeps a run of ideographs as one token, so a word in the middle of a
/// run (`记录` in `会议记录`) matched nothing, while `grep` finds it in the file. Both the indexed text
/// and the query put each CJK character apart (a token of its own); a CJK word in a query becomes
/// the phrase of its characters, which matches anywhere in a run, in order. (Pensieve segments with
/// jieba instead; character phrases need no dictionary and find every substring.)
public enum CJKText {
    /// Whether `scalar` is a CJK ideograph, kana or hangul syllable: the scripts written without spaces.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF,  // hiragana, katakana
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F,  // ideographs
             0xAC00...0xD7AF:  // hangul syllables
            return true
        default:
            return false
        }
    }

    /// `text` with a space on each side of every CJK character; unchanged (and not copied) when it
    /// has none.
    public static func spaced(_ text: String) -> String {
        // Every CJK scalar is at least U+3040, three UTF-8 bytes starting at 0xE3 or above.
        guard text.utf8.contains(where: { $0 >= 0xE3 }), text.unicodeScalars.contains(where: isCJK) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                out.append(" ")
                out.append(scalar)
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
