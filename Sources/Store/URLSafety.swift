import FoundationEssentials
import Glibc

/// What may be done with a URL the user gave. Secrets are masked before anything is printed: a URL's `user:password@` part never reaches the log,
/// `.status/health.json` or an error text.
public enum URLSafety {
    /// `http://user:secret@host/x` → `http://***@host/x`; other text unchanged.
    public static func masked(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(rest[at...])
    }

    /// `localhost`, `::1` or an IPv4 address in 127.0.0.0/8, parsed as an address (so that a name like
    /// `127.evil.example` is not taken for loopback).
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimming { $0 == "[" || $0 == "]" }.lowercased()
        if bare == "localhost" || bare == "localhost." { return true }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil })
        else { return false }
        return parts[0] == "127"
    }

    /// One path segment percent-encoded: unreserved ASCII stays, every other byte is `%XX`.
    public static func percentEncoded(_ segment: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in segment.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
            if unreserved { out.append(byte) } else { out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
