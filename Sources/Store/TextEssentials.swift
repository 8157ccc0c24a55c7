import Glibc

/// The few string operations the daemon took from Foundation, which it does not link (see
/// `JSONValue` for why): trimming, and fixed-point numbers.
extension StringProtocol {
    /// Without leading and trailing whitespace and newlines (Unicode's definition).
    public func trimmingWhitespace() -> String { trimming { $0.isWhitespace || $0.isNewline } }

    /// Without leading and trailing characters for which `drop` is true.
    public func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension Double {
    /// Fixed-point text with `digits` decimals, as `String(format: "%.<digits>f")` writes it.
    public func fixed(_ digits: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let n = Int(snprintfDouble(buffer.baseAddress!, 64, digits, self))
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: min(max(0, n), 63)), as: UTF8.self)
        }
    }
}

/// `snprintf(buffer, size, "%.*f", digits, value)`: C variadics cannot be called from Swift, but
/// `vsnprintf` with a `CVarArg` list can.
private func snprintfDouble(_ buffer: UnsafeMutablePointer<CChar>, _ size: Int, _ digits: Int, _ value: Double) -> Int32 {
    withVaList([Int32(digits), value]) { vsnprintf(buffer, size, "%.*f", $0) }
}
