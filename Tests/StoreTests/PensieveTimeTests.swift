import Glibc
import Store
import TestSupport
import Testing

private let jan15 = Int64(1_768_469_400)  // 2026-01-15T09:30:00Z (date -u -d … +%s)

@Suite struct PensieveTimeTests {
    @Test(arguments: [
        "2026-01-15 09:30:00.000000", "2026-01-15 09:30:00", "2026-01-15T09:30:00", "2026-01-15T09:30:00Z",
        "2026-01-15T09:30:00+00:00", "2026-01-15T09:30:00-00:00", "2026-01-15T09:30:00.123456Z",
        "2026-01-15T09:30:00.5+00:00", "2026-01-15T11:30:00+02:00", "2026-01-15T04:00:00-05:30",
        "2026-01-16T00:30:00+15:00",
    ])
    func parsesEverySpelling(_ text: String) {
        #expect(PensieveTime.parse(text) == jan15)
    }

    @Test func parsesOtherInstants() {
        #expect(PensieveTime.parse("1970-01-01 00:00:00") == 0)
        #expect(PensieveTime.parse("1969-12-31T23:59:59Z") == -1)
        #expect(PensieveTime.parse("2024-02-29 00:00:00.000000") == 1_709_164_800)
        #expect(PensieveTime.parse("2000-02-29T00:00:00") == 951_782_400)
        #expect(PensieveTime.parse("2026-12-31T23:59:59Z") == 1_798_761_599)
        // A fraction never rounds the seconds.
        #expect(PensieveTime.parse("2026-01-15 09:30:00.999999") == jan15)
    }

    @Test(arguments: [
        "", "garbage", "2026-01-15", "2026-01-15 09:30", "2026-01-15X09:30:00", "2026/01/15 09:30:00",
        "2026-13-15 09:30:00", "2026-00-15 09:30:00", "2026-01-00 09:30:00", "2026-01-32 09:30:00",
        "2026-01-15 24:00:00", "2026-01-15 09:60:00", "2026-01-15 09:30:62", "2026-01-15 09:30:00 ",
        " 2026-01-15 09:30:00", "2026-01-15 09:30:00+0200", "2026-01-15 09:30:00+02", "2026-01-15 09:30:00+02:00:00",
        "2026-01-15 09:30:00ZZ", "2026-01-15 09:30:00.12a", "2026-01-15 09:30:00 UTC", "２０２６-01-15 09:30:00",
        "2026-1-15 09:30:00", "-026-01-15 09:30:00", "2026-01-15 09:30:00+ab:cd", "2026-01-15T09:30:00z",
    ])
    func garbageIsNil(_ text: String) {
        #expect(PensieveTime.parse(text) == nil)
    }

    /// Regression (fixed): day-of-month is only checked against 1...31, so impossible dates are accepted and
    /// roll over into the next month (2026-02-30 parses as 2026-03-02). PensieveDatabaseBuilder.dateInName
    /// relies on this parser, so a file named `2026-02-30-notes.md` is dated March 2nd.
    @Test(arguments: [("2026-02-30 00:00:00", "2026-02-28 00:00:00"), ("2026-02-29 00:00:00", "2024-02-29 00:00:00"),
                      ("2026-04-31T00:00:00Z", "2026-04-30T00:00:00Z"), ("1900-02-29 00:00:00", "2000-02-29 00:00:00")])
    func impossibleCalendarDatesAreNil(_ text: String, _ validNeighbour: String) {
        #expect(PensieveTime.parse(validNeighbour) != nil)
        #expect(PensieveTime.parse(text) == nil)
    }

    @Test func formatting() {
        #expect(PensieveTime.iso(jan15) == "2026-01-15T09:30:00Z")
        #expect(PensieveTime.compact(jan15) == "20260115-093000")
        #expect(PensieveTime.database(jan15) == "2026-01-15 09:30:00.000000")
        #expect(PensieveTime.iso(0) == "1970-01-01T00:00:00Z")
        #expect(PensieveTime.compact(1_709_164_800 + 86_399) == "20240229-235959")
        #expect(PensieveTime.iso(-1) == "1969-12-31T23:59:59Z")
    }

    /// `compact` is formatted by hand (it names every listed document): it must agree with strftime
    /// on leap days, century years, the epoch's edges and times before 1970.
    @Test func compactAgreesWithStrftime() {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 7_258_118_400 {        // 2200-01-01
            var t = time_t(seconds)
            var parts = tm()
            gmtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            let n = strftime(&buffer, 32, "%Y%m%d-%H%M%S", &parts)
            let expected = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(PensieveTime.compact(seconds) == expected, "at \(seconds)")
            if PensieveTime.compact(seconds) != expected { return }
            seconds += 86_399 * 7 + 3_607  // a stride that visits every hour, minute and weekday
        }
        #expect(PensieveTime.compact(-1) == "19691231-235959")
        #expect(PensieveTime.compact(951_782_400) == "20000229-000000")
    }

    @Test(arguments: [Int64(0), 1, 86_399, 951_782_400, jan15, 1_798_761_599, 4_102_444_800, -86_400])
    func formatParseRoundTrip(_ seconds: Int64) {
        #expect(PensieveTime.parse(PensieveTime.database(seconds)) == seconds)
        #expect(PensieveTime.parse(PensieveTime.iso(seconds)) == seconds)
    }

    @Test func daysFromCivil() {
        #expect(PensieveTime.daysFromCivil(1970, 1, 1) == 0)
        #expect(PensieveTime.daysFromCivil(1969, 12, 31) == -1)
        #expect(PensieveTime.daysFromCivil(2000, 3, 1) - PensieveTime.daysFromCivil(2000, 2, 28) == 2)
        #expect(PensieveTime.daysFromCivil(1900, 3, 1) - PensieveTime.daysFromCivil(1900, 2, 28) == 1)
        #expect(PensieveTime.daysFromCivil(2027, 1, 1) - PensieveTime.daysFromCivil(2026, 1, 1) == 365)
        #expect(PensieveTime.daysFromCivil(2025, 1, 1) - PensieveTime.daysFromCivil(2024, 1, 1) == 366)
    }
}
