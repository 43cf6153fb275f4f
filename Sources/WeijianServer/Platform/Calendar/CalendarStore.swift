import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

/// The holiday table in the database (seeded with the official 2025–2026 table) and the
/// `WorkCalendar` built from it. The system administrator edits it in 系统管理 › 节假日.
public enum CalendarStore {
    struct DayRow: Decodable, Sendable {
        let day: String
        let kind: String
        let name: String
    }

    public static func load(on db: any Database) async throws -> WorkCalendar {
        let rows = try await db.sql.select().columns("day", "kind", "name").from("calendar_days").orderBy("day").all(decoding: DayRow.self)
        let years = try await db.sql.select().column("year").from("calendar_years").all().map { try $0.decode(column: "year", as: Int.self) }
        let entries = rows.compactMap { row -> HolidayTable.Entry? in
            guard let date = LocalDate(row.day), let kind = HolidayTable.Kind(rawValue: row.kind) else { return nil }
            return HolidayTable.Entry(date: date, kind: kind, name: row.name)
        }
        return WorkCalendar(table: HolidayTable(entries: entries, coveredYears: Set(years)))
    }

    static func entries(year: Int, on db: any Database) async throws -> [DayRow] {
        try await db.sql.select().columns("day", "kind", "name").from("calendar_days")
            .where("day", .greaterThanOrEqual, String(format: "%04d-01-01", year))
            .where("day", .lessThanOrEqual, String(format: "%04d-12-31", year))
            .orderBy("day").all(decoding: DayRow.self)
    }

    /// Adds or replaces the entries of a date range; marks the year as entered.
    static func set(from start: LocalDate, to end: LocalDate, kind: HolidayTable.Kind, name: String, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await db.writeTransaction { tx in
            var day = start
            while day <= end {
                try await tx.sql.delete(from: "calendar_days").where("day", .equal, day.description).run()
                try await tx.sql.insert(into: "calendar_days").columns("day", "kind", "name")
                    .values(SQLBind(day.description), SQLBind(kind.rawValue), SQLBind(name)).run()
                day = day.adding(days: 1)
            }
            try await caller.audit(.calendarSet, target: ("calendar", "\(start)~\(end)"),
                                      details: ["kind": kind.rawValue, "name": name], on: tx)
        }
    }

    static func remove(day: LocalDate, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await db.writeTransaction { tx in
            try await tx.sql.delete(from: "calendar_days").where("day", .equal, day.description).run()
            try await caller.audit(.calendarRemove, target: ("calendar", day.description), on: tx)
        }
    }

    /// The administrator confirms that a year's table is complete (or withdraws the confirmation).
    /// Only then do deadlines in that year stop being provisional: entering one holiday must not
    /// make the rest of the year count as ordinary working days.
    static func setCovered(_ covered: Bool, year: Int, by caller: Caller) async throws {
        let (actor, db, now) = (caller.actor, caller.db, caller.now)
        try await db.writeTransaction { tx in
            try await tx.sql.delete(from: "calendar_years").where("year", .equal, year).run()
            if covered { try await markCovered(year: year, on: tx) }
            try await caller.audit(covered ? .calendarConfirmYear : .calendarUnconfirmYear, target: ("calendar", String(year)),
                                      on: tx)
        }
    }

    static func markCovered(year: Int, on db: any Database) async throws {
        let exists = try await db.sql.select().column("year").from("calendar_years").where("year", .equal, year).first()
        if exists == nil { try await db.sql.insert(into: "calendar_years").columns("year").values(SQLBind(year)).run() }
    }
}
