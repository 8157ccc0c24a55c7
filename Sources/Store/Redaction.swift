import Foundation

/// Masks secrets before anything is printed: a URL's `user:password@` part never reaches the log,
/// `.status/health.json`, an error text or `ps`-visible output.
public enum Redaction {
    /// `http://user:secret@host/x` → `http://***@host/x`; other text unchanged.
    public static func url(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(rest[at...])
    }
}
