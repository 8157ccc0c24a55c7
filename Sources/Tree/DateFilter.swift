import Store

/// Dates in filter values, in the mount's time zone (`MountTimeZone`), like the timeline's days.
enum DateFilter {
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` as Unix seconds.
    static func instant(_ text: String) -> Int64? {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let day = ymd(first), day.count == 3 else { return nil }
        var (hour, minute, second) = (0, 0, 0)
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts[1].isEmpty, (2...3).contains(hms.count), hms.allSatisfy({ $0 != nil }),
                  parts[1].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":") }),
                  hms[0]! < 24, hms[1]! < 60, (hms.count == 2 || hms[2]! < 60) else { return nil }
            (hour, minute, second) = (hms[0]!, hms[1]!, hms.count == 3 ? hms[2]! : 0)
        }
        return MountTimeZone.instant(year: day[0], month: day[1], day: day[2], hour: hour, minute: minute, second: second)
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a half-open range of Unix seconds.
    static func range(_ text: String) throws(QueryError) -> (Int64, Int64) {
        guard let p = ymd(text) else {
            throw QueryError("date:\(text) is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        }
        switch p.count {
        case 1: return (day(p[0], 1, 1), day(p[0] + 1, 1, 1))
        case 2: return (day(p[0], p[1], 1), p[1] == 12 ? day(p[0] + 1, 1, 1) : day(p[0], p[1] + 1, 1))
        default: return (day(p[0], p[1], p[2]), day(p[0], p[1], p[2] + 1))
        }
    }

    private static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { MountTimeZone.instant(year: y, month: m, day: d) }

    /// Validated year, month, day components (1 to 3 of them), or nil.
    private static func ymd(_ text: String) -> [Int]? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count),
              fields.enumerated().allSatisfy({ $0.element.count == ($0.offset == 0 ? 4 : 2) && $0.element.allSatisfy(\.isASCII) && $0.element.allSatisfy(\.isNumber) })
        else { return nil }
        let n = fields.map { Int($0)! }
        if n.count >= 2, !(1...12).contains(n[1]) { return nil }
        if n.count == 3, !(1...PensieveTime.daysInMonth(n[0], n[1])).contains(n[2]) { return nil }
        return n
    }
}
