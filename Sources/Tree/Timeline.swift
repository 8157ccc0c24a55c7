import Store

/// A year, month or day of `timeline/`, in the mount's time zone (`MountTimeZone`).
public struct TimelinePeriod: Hashable, Sendable {
    public var year: Int
    /// 1...12, or nil for a whole year.
    public var month: Int?
    /// 1...31, or nil for a whole month (or year).
    public var day: Int?

    /// Years the timeline shows: a capture time outside them (a crafted or broken row) stays in
    /// `documents/` and search, and is left out of `timeline/`.
    static let years = 1...9999

    init?(year: Int, month: Int? = nil, day: Int? = nil) {
        guard Self.years.contains(year) else { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let day { guard let month, (1...PensieveTime.daysInMonth(year, month)).contains(day) else { return nil } }
        self.year = year; self.month = month; self.day = day
    }

    /// `YYYYMMDD` with zeros for what is absent: unique, and the low bits of the inode.
    var code: Int64 { Int64(year * 10_000 + (month ?? 0) * 100 + (day ?? 0)) }

    init?(code: Int64) {
        let year = Int(code / 10_000), month = Int(code / 100 % 100), day = Int(code % 100)
        self.init(year: year, month: month == 0 ? nil : month, day: day == 0 ? nil : day)
        if month == 0 && day != 0 { return nil }
    }

    /// The half-open range of Unix seconds this period covers, in the mount's time zone.
    var range: (start: Int64, end: Int64) {
        switch (month, day) {
        case let (month?, day?):
            return (MountTimeZone.instant(year: year, month: month, day: day), MountTimeZone.instant(year: year, month: month, day: day + 1))
        case let (month?, nil):
            return (MountTimeZone.instant(year: year, month: month, day: 1), MountTimeZone.instant(year: year, month: month + 1, day: 1))
        default:
            return (MountTimeZone.instant(year: year, month: 1, day: 1), MountTimeZone.instant(year: year + 1, month: 1, day: 1))
        }
    }

    /// The directory name: `2026`, `01`, `15`.
    var name: String {
        if let day { return Self.twoDigits(day) }
        if let month { return Self.twoDigits(month) }
        return String(year)
    }

    /// The period one level down named `name` (`01` in a year, `15` in a month), if well-formed.
    func child(named name: String) -> TimelinePeriod? {
        guard day == nil, name.count == 2, name.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(name) else { return nil }
        return month == nil ? TimelinePeriod(year: year, month: n) : TimelinePeriod(year: year, month: month, day: n)
    }

    /// A year directory from its name (four digits).
    static func year(named name: String) -> TimelinePeriod? {
        guard name.count == 4, name.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(name) else { return nil }
        return TimelinePeriod(year: year)
    }

    /// The period one level below `parent` (or a year, for the root) that holds `seconds`.
    static func holding(_ seconds: Int64, below parent: TimelinePeriod?) -> TimelinePeriod? {
        let civil = MountTimeZone.civil(seconds)
        switch parent {
        case nil: return TimelinePeriod(year: civil.year)
        case let parent? where parent.month == nil: return TimelinePeriod(year: civil.year, month: civil.month)
        default: return TimelinePeriod(year: civil.year, month: civil.month, day: civil.day)
        }
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}

/// The timeline's directories, found with one `earliestCapture` question per non-empty child: an
/// index seek each, so `ls timeline/` costs a few dozen seeks on a million captures, not a scan.
enum Timeline {
    /// The most children a directory can have is 31 days or 12 months; the root's years are bounded
    /// by this as well, so that a crafted database with captures spread over millennia cannot make one
    /// `ls` run for long.
    static let maxChildren = 400

    /// The non-empty periods one level below `parent` (years for the root), in order.
    static func children(of parent: TimelinePeriod?, store: DocumentStore) throws -> [TimelinePeriod] {
        let bounds = parent?.range
        var from = bounds?.start ?? MountTimeZone.instant(year: TimelinePeriod.years.lowerBound, month: 1, day: 1)
        let end = bounds?.end ?? MountTimeZone.instant(year: TimelinePeriod.years.upperBound + 1, month: 1, day: 1)
        var found: [TimelinePeriod] = []
        while found.count < maxChildren, from < end {
            let filter = DocumentFilter(createdFrom: from, createdBefore: end)
            guard let next = try store.earliestCapture(filter: filter), let period = TimelinePeriod.holding(next, below: parent) else { break }
            found.append(period)
            from = max(period.range.end, next + 1)
        }
        return found
    }

    /// Whether `period` holds any capture.
    static func exists(_ period: TimelinePeriod, store: DocumentStore) throws -> Bool {
        let (start, end) = period.range
        return try store.earliestCapture(filter: DocumentFilter(createdFrom: start, createdBefore: end)) != nil
    }

    /// A document's name in a day directory: the local time of the capture, then its usual name
    /// (`093000-1234-20260115-083000-Firefox.md`), so that `ls` lists the day in capture order.
    static func documentName(_ summary: EntitySummary) -> String {
        let civil = MountTimeZone.civil(summary.createdAt)
        return TimelinePeriod.twoDigits(civil.hour) + TimelinePeriod.twoDigits(civil.minute) + TimelinePeriod.twoDigits(civil.second)
            + "-" + FileNaming.documentName(summary)
    }
}
