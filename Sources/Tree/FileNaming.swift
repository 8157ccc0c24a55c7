import Store

/// File and directory names: `<id>-<slug>.md` for documents, `<rank>-<id>-<slug>.md` for results.
///
/// Names are derived only from the entity's row (capture time, app, filename), so a lookup can parse
/// the id back out of a name and rebuild the name to check it, with no table of names in memory.
/// Unicode stays; `/`, control and bidi characters (see `NameCharacters`) and whitespace runs become
/// `-`; a name never passes 255 bytes.
public enum FileNaming {
    /// The slug's byte budget: leaves room for a rank, an id and `.md` within NAME_MAX (255).
    static let slugBytes = 200

    /// Screenshots: `<capture time>-<app>` (an app is not unique, the time tells them apart).
    /// Other entities: the file name's stem, which already says what the file is.
    public static func slug(_ summary: EntitySummary) -> String {
        let time = PensieveTime.compact(summary.createdAt)
        if let app = summary.app.map(clean), !app.isEmpty {
            return truncate("\(time)-\(app)", bytes: slugBytes)
        }
        let name = clean(stem(summary.filename))
        return truncate(name.isEmpty ? time : name, bytes: slugBytes)
    }

    public static func documentName(_ summary: EntitySummary) -> String { "\(summary.id)-\(slug(summary)).md" }

    /// `rank` zero-padded to the width of `limit` (at least 3), so that `ls` sorts results by rank.
    public static func resultName(rank: Int, limit: Int, _ summary: EntitySummary) -> String {
        let width = max(3, String(limit).count)
        let digits = String(rank)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits + "-" + documentName(summary)
    }

    /// The entity id at the start of a document name, if it has one.
    public static func documentID(_ name: String) -> Int64? { leadingNumber(name[...]) }

    /// The entity id in a result name (`<rank>-<id>-…`), if it has one.
    public static func resultID(_ name: String) -> Int64? {
        guard let dash = name.firstIndex(of: "-"), leadingNumber(name[...]) != nil else { return nil }
        return leadingNumber(name[name.index(after: dash)...])
    }

    /// A library's directory name: `/` becomes `∕` (U+2215), which looks the same.
    public static func libraryName(_ library: Library) -> String {
        let name = directoryName(library.name)
        return name.isEmpty ? "library-\(library.id)" : name
    }

    /// A directory name made from a value (a library's or an app's name): unicode kept, `/` shown as
    /// `∕` (U+2215), invisible and control characters as `-`, at most 255 bytes; empty when nothing
    /// usable is left (also for `.` and `..`).
    public static func directoryName(_ value: String) -> String {
        var name = value.replacing("/", with: "\u{2215}")
        name = String(name.unicodeScalars.map { NameCharacters.isInvisibleControl($0) ? "-" : Character($0) })
        name = truncate(name, bytes: 255)
        return name == "." || name == ".." ? "" : name
    }

    /// An image's name in `images/`: `<id>-<slug>.<ext>`, the extension of the original file (or
    /// `img` when it has none that is short and plain).
    public static func imageName(_ summary: EntitySummary) -> String {
        "\(summary.id)-\(slug(summary)).\(imageExtension(summary.filename))"
    }

    static func imageExtension(_ filename: String) -> String {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return "img" }
        let ext = filename[filename.index(after: dot)...].lowercased()
        return !ext.isEmpty && ext.count <= 8 && ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? ext : "img"
    }

    static func stem(_ filename: String) -> String {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return filename }
        return String(filename[..<dot])
    }

    static func clean(_ text: String) -> String { cleanASCII(text) ?? cleanScalars(text) }

    /// Invisible and control characters, `/`, `\\` and whitespace runs become one `-`; no leading dot,
    /// no trailing dash or dot.
    static func cleanScalars(_ text: String) -> String {
        var out = ""
        var lastWasDash = false
        for scalar in text.unicodeScalars {
            let bad = NameCharacters.isInvisibleControl(scalar) || scalar == "/" || scalar == "\\"
                || scalar.properties.isWhitespace
            if bad {
                if !lastWasDash && !out.isEmpty { out.unicodeScalars.append("-") }
                lastWasDash = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasDash = scalar == "-"
            }
        }
        while out.hasSuffix("-") || out.hasSuffix(".") { out.removeLast() }
        while out.hasPrefix(".") { out.removeFirst() }
        return out
    }

    /// `clean` for ASCII text, byte by byte (nil when `text` is not all ASCII): app names and file
    /// names almost always are, and `ls` of a million documents cleans a million of them, where
    /// Unicode property lookups per scalar were most of the listing's time.
    static func cleanASCII(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var lastWasDash = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            // Controls and DEL, `/`, `\`, and ASCII whitespace (tab to carriage return, space).
            let bad = byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") || byte == 0x20
            if bad {
                if !lastWasDash && !bytes.isEmpty { bytes.append(UInt8(ascii: "-")) }
                lastWasDash = true
            } else {
                bytes.append(byte)
                lastWasDash = byte == UInt8(ascii: "-")
            }
        }
        while let last = bytes.last, last == UInt8(ascii: "-") || last == UInt8(ascii: ".") { bytes.removeLast() }
        let leadingDots = bytes.prefix { $0 == UInt8(ascii: ".") }.count
        return String(decoding: bytes[leadingDots...], as: UTF8.self)
    }

    /// Cuts `text` to at most `bytes` UTF-8 bytes at a character boundary.
    static func truncate(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var out = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > bytes { break }
            out.append(character)
            used += size
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    private static func leadingNumber(_ text: Substring) -> Int64? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 19, text.dropFirst(digits.count).first == "-" else { return nil }
        return Int64(digits)
    }
}
