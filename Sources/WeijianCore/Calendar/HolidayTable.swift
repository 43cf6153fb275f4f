/// The official holiday and make-up working day table (国务院办公厅 notices), year by year.
///
/// It is data: the administrator edits it in the UI when the next year's notice is published.
/// A year is "covered" once any entry for it exists; deadlines running into an uncovered year are
/// computed with weekends only and marked provisional.
public struct HolidayTable: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case holiday
        case workday

        public var chinese: String { self == .holiday ? "放假" : "调休上班" }
    }

    public struct Entry: Sendable, Equatable, Codable {
        public let date: LocalDate
        public let kind: Kind
        public let name: String
        public init(date: LocalDate, kind: Kind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    public private(set) var entries: [LocalDate: Entry] = [:]
    public private(set) var coveredYears: Set<Int> = []

    public init(entries: [Entry] = [], coveredYears: Set<Int>? = nil) {
        for entry in entries { self.entries[entry.date] = entry }
        self.coveredYears = coveredYears ?? Set(entries.map(\.date.year))
    }

    public func entry(on date: LocalDate) -> Entry? { entries[date] }

    /// The official table for 2025 and 2026, seeded into a new installation.
    public static let official: HolidayTable = {
        var list: [Entry] = []
        func add(_ name: String, _ kind: Kind, _ from: String, _ to: String? = nil) {
            guard let start = LocalDate(from) else { return }
            let end = to.flatMap(LocalDate.init) ?? start
            var day = start
            while day <= end {
                list.append(Entry(date: day, kind: kind, name: name))
                day = day.adding(days: 1)
            }
        }
        add("元旦", .holiday, "2025-01-01")
        add("春节", .holiday, "2025-01-28", "2025-02-04")
        add("春节调休", .workday, "2025-01-26"); add("春节调休", .workday, "2025-02-08")
        add("清明节", .holiday, "2025-04-04", "2025-04-06")
        add("劳动节", .holiday, "2025-05-01", "2025-05-05")
        add("劳动节调休", .workday, "2025-04-27")
        add("端午节", .holiday, "2025-05-31", "2025-06-02")
        add("国庆节、中秋节", .holiday, "2025-10-01", "2025-10-08")
        add("国庆节调休", .workday, "2025-09-28"); add("国庆节调休", .workday, "2025-10-11")
        add("元旦", .holiday, "2026-01-01", "2026-01-03")
        add("元旦调休", .workday, "2026-01-04")
        add("春节", .holiday, "2026-02-15", "2026-02-23")
        add("春节调休", .workday, "2026-02-14"); add("春节调休", .workday, "2026-02-28")
        add("清明节", .holiday, "2026-04-04", "2026-04-06")
        add("劳动节", .holiday, "2026-05-01", "2026-05-05")
        add("劳动节调休", .workday, "2026-05-09")
        add("端午节", .holiday, "2026-06-19", "2026-06-21")
        add("中秋节", .holiday, "2026-09-25", "2026-09-27")
        add("国庆节", .holiday, "2026-10-01", "2026-10-07")
        add("国庆节调休", .workday, "2026-09-20"); add("国庆节调休", .workday, "2026-10-10")
        return HolidayTable(entries: list)
    }()
}
