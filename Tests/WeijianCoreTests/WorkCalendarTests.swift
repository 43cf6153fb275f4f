import Testing
@testable import WeijianCore

/// Working days, natural days and the official holiday table (DOMAIN.md "Time limits", "Holidays").
@Suite("工作日历与期限")
struct WorkCalendarTests {
    let calendar = WorkCalendar()

    static func rule(_ days: Int, _ count: DayCount) -> DeadlineRule {
        DeadlineRule(code: "test.rule", name: "测试期限", days: days, count: count, legalBasis: "测试依据")
    }

    // MARK: - Working-day periods

    @Test("5 working days after Friday 2026-02-13 end on Friday 2026-02-27 (02-14 is a make-up day, 02-15..23 Spring Festival)")
    func springFestivalWorkingDays() throws {
        // given
        let event = try date("2026-02-13")

        // when
        let deadline = calendar.deadline(for: Self.rule(5, .workingDays), from: event)

        // then
        #expect(deadline.due == (try date("2026-02-27")))
        #expect(deadline.due.weekdayName == "星期五")
        #expect(!deadline.provisional)
        #expect(deadline.event == event)
        #expect(deadline.steps.contains { $0.contains("2026-02-14（星期六，春节调休上班）") })
        #expect(deadline.steps.contains { $0.contains("自次日起计算") })
        #expect(deadline.steps.last == "期限届满日：2026-02-27")
    }

    @Test("The counted days are listed in the steps: 02-14, 02-24, 02-25, 02-26, 02-27")
    func stepsListTheCountedDays() throws {
        // given
        let event = try date("2026-02-13")

        // when
        let steps = calendar.deadline(for: Self.rule(5, .workingDays), from: event).steps
        let counted = try #require(steps.first { $0.hasPrefix("计入的工作日：") })

        // then
        for day in ["2026-02-14", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27"] {
            #expect(counted.contains(day))
        }
        for day in ["2026-02-15", "2026-02-16", "2026-02-23", "2026-02-28"] {
            #expect(!counted.contains(day))
        }
    }

    @Test("The service period (7 working days, 行政处罚法 第八十五条) skips the National Day holiday")
    func servicePeriodOverNationalDay() throws {
        // given: decision on Tuesday 2026-09-29
        let service = try #require(DeadlineRule.defaults.first { $0.code == "case.service" })
        let event = try date("2026-09-29")

        // when
        let deadline = calendar.deadline(for: service, from: event)

        // then: 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13, 10-14
        #expect(service.count == .workingDays)
        #expect(service.days == 7)
        #expect(deadline.due == (try date("2026-10-14")))
    }

    // MARK: - Natural-day periods

    @Test("A natural-day period ending on a holiday rolls to the next working day: 15 days from 2026-09-16 → 2026-10-08")
    func naturalDaysRollOverHoliday() throws {
        // given: the 15th day after 09-16 is 10-01; 10-01..10-07 are holidays, 10-08 is a Thursday
        let event = try date("2026-09-16")

        // when
        let deadline = calendar.deadline(for: Self.rule(15, .naturalDays), from: event)

        // then
        #expect(deadline.due == (try date("2026-10-08")))
        #expect(deadline.steps.contains { $0.contains("第15日为 2026-10-01") })
        #expect(deadline.steps.contains { $0.contains("顺延至 2026-10-08") })
        #expect(!deadline.provisional)
    }

    @Test("A natural-day period ending on a make-up Saturday ends there")
    func naturalDaysEndOnMakeUpDay() throws {
        // given: 15 days after 2026-01-30 is Saturday 2026-02-14, a working day
        let event = try date("2026-01-30")

        // when
        let deadline = calendar.deadline(for: Self.rule(15, .naturalDays), from: event)

        // then
        #expect(deadline.due == (try date("2026-02-14")))
        #expect(!deadline.steps.contains { $0.contains("顺延") })
    }

    @Test("A natural-day period ending on an ordinary day is not moved")
    func naturalDaysOrdinaryDay() throws {
        // given: the fine is due 15 days after Monday 2026-03-02
        let payment = try #require(DeadlineRule.defaults.first { $0.code == "case.finePayment" })
        let event = try date("2026-03-02")

        // when
        let deadline = calendar.deadline(for: payment, from: event)

        // then
        #expect(payment.count == .naturalDays)
        #expect(deadline.due == (try date("2026-03-17")))
    }

    // MARK: - Extension and suspension

    @Test("An approved extension adds days of the same kind")
    func extensionAddsWorkingDays() throws {
        // given: 5 + 2 working days after 2026-02-13; 02-28 is a make-up Saturday
        let event = try date("2026-02-13")

        // when
        let deadline = calendar.deadline(for: Self.rule(5, .workingDays), from: event, extensionDays: 2)

        // then: 02-14, 02-24, 02-25, 02-26, 02-27, 02-28, 03-02
        #expect(deadline.due == (try date("2026-03-02")))
        #expect(deadline.steps.contains { $0.contains("经批准延长2个工作日，共计7个") })
    }

    @Test("An extension of a natural-day period adds natural days; a negative one is ignored")
    func extensionOfNaturalDays() throws {
        // given
        let event = try date("2026-03-02")
        let rule = Self.rule(15, .naturalDays)

        // when
        let extended = calendar.deadline(for: rule, from: event, extensionDays: 3)
        let negative = calendar.deadline(for: rule, from: event, extensionDays: -3)

        // then
        #expect(extended.due == (try date("2026-03-20")))
        #expect(negative.due == (try date("2026-03-17")))
    }

    @Test("Suspended days do not count towards a working-day period")
    func suspensionOfWorkingDays() throws {
        // given: 5 working days after Monday 2026-03-02, suspended on 03-04 and 03-05
        let event = try date("2026-03-02")
        let suspension = try date("2026-03-04")...date("2026-03-05")

        // when
        let plain = calendar.deadline(for: Self.rule(5, .workingDays), from: event)
        let suspended = calendar.deadline(for: Self.rule(5, .workingDays), from: event, suspensions: [suspension])

        // then
        #expect(plain.due == (try date("2026-03-09")))
        #expect(suspended.due == (try date("2026-03-11")))
        #expect(suspended.steps.contains("中止期间2日不计入"))
    }

    @Test("Suspended days do not count towards a natural-day period")
    func suspensionOfNaturalDays() throws {
        // given: 15 natural days after 2026-03-02, suspended 03-05..03-07
        let event = try date("2026-03-02")
        let suspension = try date("2026-03-05")...date("2026-03-07")

        // when
        let deadline = calendar.deadline(for: Self.rule(15, .naturalDays), from: event, suspensions: [suspension])

        // then
        #expect(deadline.due == (try date("2026-03-20")))
        #expect(deadline.steps.contains("中止期间3日不计入"))
    }

    // MARK: - Years without a holiday table

    @Test("A period running into 2027 (not yet in the table) is provisional")
    func provisionalInto2027() throws {
        // given: Monday 2026-12-28
        let event = try date("2026-12-28")

        // when
        let deadline = calendar.deadline(for: Self.rule(5, .workingDays), from: event)

        // then: 12-29, 12-30, 12-31, 2027-01-01 (counted as a plain Friday), 2027-01-04
        #expect(deadline.provisional)
        #expect(deadline.due == (try date("2027-01-04")))
        #expect(deadline.steps.contains { $0.contains("暂定") })
    }

    @Test("A natural-day period is provisional when it runs into 2027, not when it rolls over inside 2026")
    func provisionalNaturalDays() throws {
        // given: Wednesday 2026-12-23
        let event = try date("2026-12-23")

        // when
        let inside = calendar.deadline(for: Self.rule(3, .naturalDays), from: event)
        let into2027 = calendar.deadline(for: Self.rule(10, .naturalDays), from: event)

        // then: day 3 is Saturday 12-26, rolled to Monday 12-28;
        // day 10 is Saturday 2027-01-02, rolled to Monday 2027-01-04
        #expect(inside.due == (try date("2026-12-28")))
        #expect(!inside.provisional)
        #expect(into2027.due == (try date("2027-01-04")))
        #expect(into2027.provisional)
    }

    @Test("A period inside 2026 is not provisional")
    func notProvisionalInside2026() throws {
        // given: Friday 2026-12-18
        let event = try date("2026-12-18")

        // when
        let deadline = calendar.deadline(for: Self.rule(5, .workingDays), from: event)

        // then
        #expect(deadline.due == (try date("2026-12-25")))
        #expect(!deadline.provisional)
        #expect(!deadline.steps.contains { $0.contains("暂定") })
    }

    @Test("Coverage follows the table's years")
    func coverage() {
        // given
        let years = [2024, 2025, 2026, 2027]

        // when
        let covered = years.map(calendar.isCovered(year:))

        // then
        #expect(covered == [false, true, true, false])
    }

    // MARK: - Counting working days between dates

    @Test("Working days between two dates", arguments: [
        ("2026-02-13", "2026-02-27", 5), ("2026-02-27", "2026-02-13", -5), ("2026-02-13", "2026-02-13", 0),
        ("2026-09-30", "2026-10-08", 1), ("2026-09-30", "2026-10-10", 3), ("2026-01-01", "2026-12-31", 248),
    ])
    func workingDaysBetween(from: String, to: String, expected: Int) throws {
        // given
        let start = try date(from)
        let end = try date(to)

        // when
        let count = calendar.workingDays(from: start, to: end)

        // then
        #expect(count == expected)
    }

    // MARK: - The official table of DOMAIN.md

    static let holidays2025 = [
        ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ]
    static let holidays2026 = [
        ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ]
    static let workdays2025 = ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    static let workdays2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]

    @Test("Every DOMAIN.md holiday is a day off", arguments: holidays2025 + holidays2026)
    func holidaysAreDaysOff(from: String, to: String) throws {
        // given
        let start = try date(from)
        let end = try date(to)

        // when
        let days = (0...start.days(until: end)).map { start.adding(days: $0) }

        // then
        for day in days {
            #expect(!calendar.isWorkingDay(day), "\(day)")
            #expect(calendar.table.entry(on: day)?.kind == .holiday, "\(day)")
        }
    }

    @Test("Every DOMAIN.md make-up day is a working day although it is a weekend", arguments: workdays2025 + workdays2026)
    func makeUpDaysAreWorkingDays(text: String) throws {
        // given
        let day = try date(text)

        // when
        let working = calendar.isWorkingDay(day)

        // then
        #expect(day.isWeekend)
        #expect(working)
        #expect(calendar.table.entry(on: day)?.kind == .workday)
    }

    @Test("The table holds exactly the DOMAIN.md entries and nothing else")
    func tableHasNoExtraEntries() throws {
        // given
        var expected: [LocalDate: HolidayTable.Kind] = [:]
        for (from, to) in Self.holidays2025 + Self.holidays2026 {
            let start = try date(from)
            for offset in 0...start.days(until: try date(to)) { expected[start.adding(days: offset)] = .holiday }
        }
        for text in Self.workdays2025 + Self.workdays2026 { expected[try date(text)] = .workday }

        // when
        let actual = HolidayTable.official.entries.mapValues(\.kind)

        // then
        #expect(expected.count == 61 + 11)
        #expect(actual == expected)
        #expect(HolidayTable.official.entries.allSatisfy { $0.key == $0.value.date && !$0.value.name.isEmpty })
        #expect(HolidayTable.official.coveredYears == [2025, 2026])
    }

    @Test("Named days of DOMAIN.md", arguments: [
        ("2025-01-26", true, "星期日"), ("2026-10-10", true, "星期六"), ("2026-05-05", false, "星期二"),
        ("2026-02-16", false, "星期一"), ("2026-02-13", true, "星期五"), ("2026-03-07", false, "星期六"),
    ])
    func namedDays(text: String, working: Bool, weekday: String) throws {
        // given
        let day = try date(text)

        // when
        let isWorking = calendar.isWorkingDay(day)

        // then
        #expect(isWorking == working)
        #expect(day.weekdayName == weekday)
    }

    @Test("A day's description names the weekday and the holiday")
    func describe() throws {
        // given
        let days = try ["2026-02-14", "2026-10-01", "2026-03-03"].map { try date($0) }

        // when
        let descriptions = days.map(calendar.describe)

        // then
        #expect(descriptions == ["2026-02-14（星期六，春节调休上班）", "2026-10-01（星期四，国庆节放假）", "2026-03-03（星期二）"])
    }

    @Test("Without a table only weekends are days off, and everything is provisional")
    func emptyTable() throws {
        // given
        let bare = WorkCalendar(table: HolidayTable())
        let event = try date("2026-02-13")

        // when
        let deadline = bare.deadline(for: Self.rule(5, .workingDays), from: event)

        // then
        #expect(deadline.due == (try date("2026-02-20")))
        #expect(deadline.provisional)
    }

    @Test("Default rules: periods of the 行政处罚法 of ten days or less count working days; long ones natural days")
    func defaultRuleKinds() {
        // given
        let rules = Dictionary(uniqueKeysWithValues: DeadlineRule.defaults.map { ($0.code, $0) })

        // when
        let kinds = ["case.service", "case.hearingRequest", "publish.decision", "case.finePayment", "case.decision", "complaint.closing"]
            .map { rules[$0].map { "\($0.days)\($0.count.chinese)" } }

        // then
        #expect(rules.count == DeadlineRule.defaults.count)
        #expect(kinds == ["7工作日", "5工作日", "7工作日", "15自然日", "90自然日", "60自然日"])
    }
}
