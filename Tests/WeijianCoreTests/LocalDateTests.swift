import Foundation
import Testing
@testable import WeijianCore

/// Dates in China Standard Time: what the law counts days in.
@Suite("日期")
struct LocalDateTests {
    @Test("Day numbers round-trip over five thousand years and successive days are successive dates")
    func epochRoundTrip() throws {
        // given: about 220 BC to AD 4160
        let range = -800_000...800_000

        // when
        var failures: [Int] = []
        var previous = LocalDate(daysSinceEpoch: range.lowerBound - 1)
        for days in range {
            let current = LocalDate(daysSinceEpoch: days)
            let rebuilt = LocalDate(year: current.year, month: current.month, day: current.day)
            let isSuccessor = current.month == previous.month
                ? current.year == previous.year && current.day == previous.day + 1
                : current.day == 1 && previous.day == LocalDate.daysIn(month: previous.month, year: previous.year)
                    && (current.month == previous.month + 1 && current.year == previous.year
                        || current.month == 1 && previous.month == 12 && current.year == previous.year + 1)
            if current.daysSinceEpoch != days || rebuilt != current || !isSuccessor || !(previous < current) {
                failures.append(days)
            }
            previous = current
        }

        // then
        #expect(failures.isEmpty, "first failing day numbers: \(failures.prefix(5))")
    }

    @Test("Dates agree with Foundation's Gregorian calendar")
    func agreesWithFoundation() throws {
        // given: the Gregorian calendar without the 1582 Julian cut-over, about 1650 to 2300
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let days = stride(from: -117_000, through: 120_000, by: 37)

        // when
        var failures: [Int] = []
        for day in days {
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let date = LocalDate(daysSinceEpoch: day)
            if [date.year, date.month, date.day] != [components.year, components.month, components.day] { failures.append(day) }
        }

        // then
        #expect(failures.isEmpty, "first failing day numbers: \(failures.prefix(5))")
    }

    @Test("Known weekdays", arguments: [
        ("2026-02-13", 5, "星期五"), ("2026-02-14", 6, "星期六"), ("2026-02-15", 7, "星期日"),
        ("1970-01-01", 4, "星期四"), ("2000-01-01", 6, "星期六"), ("1949-10-01", 6, "星期六"),
        ("1900-01-01", 1, "星期一"), ("2026-10-01", 4, "星期四"),
    ])
    func weekdays(text: String, isoWeekday: Int, name: String) throws {
        // given
        let day = try date(text)

        // when
        let weekday = day.isoWeekday

        // then
        #expect(weekday == isoWeekday)
        #expect(day.weekdayName == name)
        #expect(day.isWeekend == (isoWeekday >= 6))
    }

    @Test("Impossible dates are nil", arguments: [
        (2026, 2, 29), (1949, 2, 30), (2026, 4, 31), (2026, 13, 1), (2026, 0, 10), (2026, 1, 0), (2026, 1, 32), (1900, 2, 29),
    ])
    func impossibleDates(year: Int, month: Int, day: Int) {
        // given
        let parts = (year, month, day)

        // when
        let result = LocalDate(year: parts.0, month: parts.1, day: parts.2)

        // then
        #expect(result == nil)
    }

    @Test("Only YYYY-MM-DD text parses", arguments: ["2026-02-30", "26-02-13", "2026/02/13", "2026-02", "abc", "", "2026-02-13-01"])
    func rejectsBadText(text: String) {
        // given
        let input = text

        // when
        let result = LocalDate(input)

        // then
        #expect(result == nil)
    }

    @Test("Text parses and prints as YYYY-MM-DD")
    func textRoundTrip() throws {
        // given
        let input = " 2026-2-3 "

        // when
        let day = try #require(LocalDate(input))

        // then
        #expect(day.description == "2026-02-03")
        #expect(day.chinese == "2026年2月3日")
        #expect(LocalDate(day.description) == day)
    }

    @Test("Leap years follow the Gregorian rule", arguments: [(2000, true), (1900, false), (2024, true), (2026, false), (2100, false), (2400, true)])
    func leapYears(year: Int, isLeap: Bool) {
        // given
        let february = 2

        // when
        let days = LocalDate.daysIn(month: february, year: year)

        // then
        #expect(days == (isLeap ? 29 : 28))
        #expect((LocalDate(year: year, month: 2, day: 29) != nil) == isLeap)
    }

    @Test("An instant's date is its date in UTC+8", arguments: [
        ("2026-01-01T16:30:00Z", "2026-01-02"), ("2026-01-01T15:59:59Z", "2026-01-01"),
        ("2026-01-01T16:00:00Z", "2026-01-02"), ("2025-12-31T16:00:00Z", "2026-01-01"),
        ("1969-12-31T15:00:00Z", "1969-12-31"), ("1969-12-31T16:00:00Z", "1970-01-01"),
    ])
    func instantInChinaStandardTime(instant: String, expected: String) throws {
        // given
        let moment = try #require(ISO8601DateFormatter().date(from: instant))

        // when
        let day = LocalDate(instant: moment)

        // then
        #expect(day == (try date(expected)))
    }

    @Test("Adding days, counting days and ordering agree")
    func arithmetic() throws {
        // given
        let start = try date("2026-02-13")

        // when
        let later = start.adding(days: 16)

        // then
        #expect(later == (try date("2026-03-01")))
        #expect(start.days(until: later) == 16)
        #expect(later.days(until: start) == -16)
        #expect(start < later)
        #expect(later.adding(days: -16) == start)
    }

    @Test("JSON carries a date as YYYY-MM-DD and refuses anything else")
    func codable() throws {
        // given
        let day = try date("2026-02-13")

        // when
        let json = String(decoding: try JSONEncoder().encode([day]), as: UTF8.self)
        let decoded = try JSONDecoder().decode([LocalDate].self, from: Data(json.utf8))

        // then
        #expect(json == #"["2026-02-13"]"#)
        #expect(decoded == [day])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }
}
