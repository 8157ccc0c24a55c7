import FoundationEssentials
import Glibc
import Store

/// Why a query directory name was rejected: surfaced as EINVAL, in the log and in `.status/errors`.
public struct QueryError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    /// EINVAL for a bad name; ENAMETOOLONG for one over 255 bytes.
    public var errno: Int32
    public init(_ reason: String, errno: Int32 = EINVAL) { self.reason = reason; self.errno = errno }
    public var description: String { reason }
}

/// Parses the name of a directory under `search/` into a `SearchRequest`.
///
/// Grammar: whitespace-separated terms. A bare word must match (as a prefix); `"quoted text"` must match
/// as a phrase; `key:value` is a filter, and `key:"a value"` may hold spaces. Filters:
/// `app:` `library:` `type:` (comma-separated alternatives), `after:` `before:` (YYYY-MM-DD, or
/// YYYY-MM-DDTHH:MM[:SS], in the mount's time zone; after is inclusive, before exclusive), `date:` (YYYY, YYYY-MM or
/// YYYY-MM-DD), `limit:` (1...1000, default 50). Keys are case-insensitive.
public enum QueryParser {
    public static let knownKeys = ["app", "library", "after", "before", "date", "type", "limit"]
    public static let defaultLimit = 50
    public static let maxLimit = 1000

    public static func parse(_ name: String) throws(QueryError) -> SearchRequest {
        try checkName(name)
        var request = SearchRequest()
        request.limit = defaultLimit
        var seen: Set<String> = []
        var dateRange: (Int64, Int64)?
        for token in try tokenize(name) {
            switch token {
            case .phrase(let text):
                if FTSQuery.hasTokenCharacter(text) { request.phrases.append(text) }
            case .word(let text):
                if FTSQuery.hasTokenCharacter(text) { request.words.append(text) }
            case .filter(let rawKey, let value):
                let key = rawKey.lowercased()
                guard knownKeys.contains(key) else {
                    throw QueryError("unknown filter '\(rawKey):' (known: \(knownKeys.map { $0 + ":" }.joined(separator: " "))); "
                                     + "put the term in double quotes to search for it as text")
                }
                guard !value.isEmpty else { throw QueryError("filter '\(key):' needs a value") }
                if ["after", "before", "date", "limit"].contains(key) {
                    guard seen.insert(key).inserted else { throw QueryError("filter '\(key):' is given twice") }
                }
                switch key {
                case "app": request.apps += try list(value, key)
                case "library":  // names with '/' are written as libraries/ shows them, with U+2215
                    request.libraries += try list(value, key).map { $0.replacing("\u{2215}", with: "/") }
                case "type": request.types += try list(value, key).map { $0.lowercased() }
                case "after": request.start = try instant(value, key)
                case "before": request.end = try instant(value, key)
                case "date": dateRange = try DateFilter.range(value)
                default:
                    guard let n = Int(value), (1...maxLimit).contains(n) else {
                        throw QueryError("limit:\(value) is not a whole number from 1 to \(maxLimit)")
                    }
                    request.limit = n
                }
            }
        }
        if let (from, to) = dateRange {
            request.start = max(request.start ?? from, from)
            request.end = min(request.end ?? to, to)
        }
        if let start = request.start, let end = request.end, start >= end {
            throw QueryError("the time filters leave an empty range (nothing is both after and before)")
        }
        if request.isListMode && request.apps.isEmpty && request.libraries.isEmpty && request.types.isEmpty
            && request.start == nil && request.end == nil && !seen.contains("limit") {
            throw QueryError("the name has no word to search for and no filter")
        }
        return request
    }

    /// Rejects names that cannot be a query: empty, dot names, control characters, and leading or
    /// trailing whitespace (a GUI or a half-typed path would otherwise create near-duplicates).
    static func checkName(_ name: String) throws(QueryError) {
        if name.isEmpty || name == "." || name == ".." { throw QueryError("empty query name") }
        if name.utf8.count > 255 {
            throw QueryError("query name is \(name.utf8.count) bytes, longer than 255 bytes", errno: ENAMETOOLONG)
        }
        if let bad = name.unicodeScalars.first(where: NameCharacters.isInvisibleControl) {
            throw QueryError("query name contains \(NameCharacters.describe(bad))")
        }
        if name.last!.isWhitespace { throw QueryError("query name ends with whitespace") }
        if name.first!.isWhitespace { throw QueryError("query name starts with whitespace") }
    }

    enum Token: Equatable { case word(String), phrase(String), filter(String, String) }

    static func tokenize(_ name: String) throws(QueryError) -> [Token] {
        var tokens: [Token] = []
        var chars = Array(name)[...]
        while let first = chars.first {
            if first.isWhitespace { chars = chars.dropFirst(); continue }
            if first == "\"" {
                chars = chars.dropFirst()
                guard let close = chars.firstIndex(of: "\"") else { throw QueryError("unclosed double quote") }
                tokens.append(.phrase(String(chars[..<close])))
                chars = chars[(close + 1)...]
                continue
            }
            let end = chars.firstIndex(where: { $0.isWhitespace || $0 == "\"" }) ?? chars.endIndex
            let text = String(chars[..<end])
            chars = chars[end...]
            if let colon = text.firstIndex(of: ":"), colon != text.startIndex,
               text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) {
                let key = String(text[..<colon])
                var value = String(text[text.index(after: colon)...])
                if value.isEmpty, chars.first == "\"" {  // key:"quoted value"
                    chars = chars.dropFirst()
                    guard let close = chars.firstIndex(of: "\"") else { throw QueryError("unclosed double quote") }
                    value = String(chars[..<close])
                    chars = chars[(close + 1)...]
                }
                tokens.append(.filter(key, value))
            } else {
                tokens.append(.word(text))
            }
        }
        return tokens
    }

    static func list(_ value: String, _ key: String) throws(QueryError) -> [String] {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { throw QueryError("\(key):\(value) has an empty item") }
        return parts
    }

    static func instant(_ value: String, _ key: String) throws(QueryError) -> Int64 {
        guard let seconds = DateFilter.instant(value) else {
            throw QueryError("\(key):\(value) is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM, in the mount's time zone)")
        }
        return seconds
    }
}

extension QueryParser {
    /// The canonical spelling of a parsed query (`user.recallfs.query`): words, then phrases in
    /// quotes, then filters in a fixed order, times in the mount's time zone; `limit:` when not the
    /// default. Two names that mean the same query have the same normalised form.
    public static func normalised(_ request: SearchRequest) -> String {
        func quoted(_ value: String) -> String { value.contains(where: \.isWhitespace) ? "\"\(value)\"" : value }
        func time(_ seconds: Int64) -> String {
            let c = MountTimeZone.civil(seconds)
            let two = TimelinePeriod.twoDigits
            return "\(c.year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        }
        var parts = request.words + request.phrases.map { "\"\($0)\"" }
        if !request.apps.isEmpty { parts.append("app:" + quoted(request.apps.joined(separator: ","))) }
        if !request.libraries.isEmpty {
            parts.append("library:" + quoted(request.libraries.map { $0.replacing("/", with: "\u{2215}") }.joined(separator: ",")))
        }
        if !request.types.isEmpty { parts.append("type:" + request.types.joined(separator: ",")) }
        if let start = request.start { parts.append("after:" + time(start)) }
        if let end = request.end { parts.append("before:" + time(end)) }
        if request.limit != defaultLimit { parts.append("limit:\(request.limit)") }
        return parts.joined(separator: " ")
    }
}
