import FoundationEssentials

/// Characters that a name (or a line of `.status/errors`) must not carry as they are.
///
/// A query name is typed by a person or a script: C0 and C1 control characters, bidi override and
/// isolate controls, U+200B (zero-width space) and U+FEFF (byte-order mark) make two names that look
/// the same differ, reorder what a terminal shows (the "Trojan Source" trick), or forge lines in logs.
/// ZWJ (U+200D) and ZWNJ (U+200C) are part of real text (emoji sequences, Persian, Indic scripts) and
/// are allowed.
public enum NameCharacters {
    public static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1f, 0x7f...0x9f: return true       // C0, DEL, C1
        case 0x2028, 0x2029: return true                  // line and paragraph separators
        case 0x202a...0x202e, 0x2066...0x2069: return true // bidi embeddings, overrides, isolates
        case 0x200e, 0x200f, 0x061c: return true          // bidi marks
        case 0x200b, 0xfeff: return true                  // zero-width space, byte-order mark
        default: return false
        }
    }

    /// `U+202E (a bidi control)`, for a reason text.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let kind: String
        switch scalar.value {
        case 0x00...0x1f, 0x7f...0x9f: kind = "a control character"
        case 0x2028, 0x2029: kind = "a line separator"
        case 0x200b: kind = "a zero-width space"
        case 0xfeff: kind = "a byte-order mark"
        default: kind = "a bidi control"
        }
        return "\(code) (\(kind))"
    }

    /// `text` made safe for one line of a log or status file: invisible controls are written as
    /// escapes (`\n`, `\u{202E}`), so one record is always exactly one line.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisibleControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isInvisibleControl(scalar) { out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Bytes that are not valid UTF-8, shown with `\xNN` escapes for the invalid parts.
    public static func escaped(bytes: some Collection<UInt8>) -> String {
        var out = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\\") { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        }
        return out
    }
}
