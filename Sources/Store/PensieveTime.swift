import FoundationEssentials
import Glibc

/// Pensieve's datetime spellings, all UTC: `2026-01-15 09:30:00.000000` in the database,
/// `2026-01-15T09:30:00`, `…Z` and `…+00:00` in the API.
public enum PensieveTime {
    /// Unix seconds for any of those spellings, or nil if the text is not one of them.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                let b = bytes[i]
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...daysInMonth(year, month)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var offset = 0
        var i = 19
        if i < bytes.count, bytes[i] == 46 {  // fraction: ignored
            i += 1
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
        }
        if i < bytes.count {
            if bytes[i] == 90 { i += 1 }  // Z
            else if bytes[i] == 43 || bytes[i] == 45, bytes.count >= i + 6, bytes[i + 3] == 58,
                    let h = number(i + 1, 2), let m = number(i + 4, 2) {
                offset = (h * 3600 + m * 60) * (bytes[i] == 43 ? 1 : -1)
                i += 6
            } else { return nil }
        }
        guard i == bytes.count else { return nil }
        return daysFromCivil(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }

    /// 28 to 31, by the Gregorian leap-year rule.
    public static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2026-01-15T09:30:00Z`.
    public static func iso(_ seconds: Int64) -> String { format(seconds, "%Y-%m-%dT%H:%M:%SZ") }
    /// `20260115-093000`, for file names.
    /// Formatted by hand, not by strftime: `ls` of a million documents formats a million of these,
    /// and 15 bytes fit Swift's inline small string (no allocation).
    public static func compact(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = civilFromDays(days)
        guard (0...9999).contains(year) else { return format(seconds, "%Y%m%d-%H%M%S") }
        let time = Int(seconds - days * 86_400)
        return String(unsafeUninitializedCapacity: 15) { buffer in
            func put(_ value: Int, at start: Int, width: Int) {
                var rest = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, width: 4); put(month, at: 4, width: 2); put(day, at: 6, width: 2)
            buffer[8] = UInt8(ascii: "-")
            put(time / 3600, at: 9, width: 2); put(time / 60 % 60, at: 11, width: 2); put(time % 60, at: 13, width: 2)
            return 15
        }
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }
    /// `2026-01-15 09:30:00.000000`, as Pensieve stores `file_*` columns.
    public static func database(_ seconds: Int64) -> String { format(seconds, "%Y-%m-%d %H:%M:%S.000000") }

    private static func format(_ seconds: Int64, _ pattern: String) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        // A stack buffer: file names format a capture time per listed document.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let n = strftime(buffer.baseAddress!, 64, pattern, &parts)
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: n), as: UTF8.self)
        }
    }
}
