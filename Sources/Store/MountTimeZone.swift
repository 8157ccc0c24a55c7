import Glibc

/// The mount's time zone: the timeline's days and the `date:`/`after:`/`before:` filters are read in
/// it (`--timezone`, default the system's local zone).
///
/// It is the C library's zone (`TZ` and `tzset`), set once at startup before any thread starts:
/// FoundationEssentials has no named zones without ICU, and glibc reads the same tzdata files
/// every other tool on the machine uses, daylight saving rules included.
public enum MountTimeZone {
    /// Where named zones live (tzdata).
    static let zoneDirectory = "/usr/share/zoneinfo"

    /// Uses `name` (`UTC`, `Europe/Berlin`, …) for the rest of the process. Throws a readable reason
    /// for a name tzdata does not know, instead of glibc's silent fallback to UTC.
    public static func use(_ name: String) throws(StoreError) {
        try check(name)
        setenv("TZ", name == "UTC" || name == "GMT" ? "UTC0" : ":" + name, 1)
        tzset()
        currentName = name
    }

    /// Throws unless `name` is a zone tzdata knows.
    public static func check(_ name: String) throws(StoreError) {
        let known = ["UTC", "GMT", "Etc/UTC"].contains(name)
            || (!name.contains("..") && !name.hasPrefix("/") && access(zoneDirectory + "/" + name, R_OK) == 0)
        guard known, !name.isEmpty else {
            throw StoreError.invalid("unknown time zone '\(name)' (use a name from \(zoneDirectory), such as UTC or Europe/Berlin)")
        }
    }

    /// The zone's name as given, or `local` for the system's zone.
    nonisolated(unsafe) public private(set) static var currentName = "local"

    /// Civil time in the mount's zone.
    public struct Civil: Equatable, Sendable {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
        /// Seconds east of UTC at that instant.
        public var offset: Int
    }

    public static func civil(_ seconds: Int64) -> Civil {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return Civil(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                     hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec), offset: parts.tm_gmtoff)
    }

    /// The instant of a civil time in the mount's zone. Out-of-range fields carry over (day 32 is the
    /// next month's first); a time skipped by a daylight-saving change maps to the instant after it.
    public static func instant(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        return Int64(mktime(&parts))
    }

    /// The start of the day, month or year holding `seconds`, and the start of the next one.
    public static func startOfDay(year: Int, month: Int, day: Int) -> (Int64, Int64) {
        (instant(year: year, month: month, day: day), instant(year: year, month: month, day: day + 1))
    }

    /// `2026-01-15T09:30:00+01:00`: ISO 8601 in the mount's zone.
    public static func iso(_ seconds: Int64) -> String {
        let c = civil(seconds)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = c.offset < 0 ? "-" : "+"
        let offset = abs(c.offset)
        let zone = c.offset == 0 ? "Z" : "\(sign)\(two(offset / 3600)):\(two(offset % 3600 / 60))"
        let year = String(c.year)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))\(zone)"
    }
}
