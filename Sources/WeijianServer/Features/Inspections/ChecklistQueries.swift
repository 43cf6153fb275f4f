import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Checklists and their versions: the one an inspection of a unit uses, the information
/// officer's list, and saving an edit as a new version.
enum ChecklistQueries {
    struct Version: Content, Sendable {
        let id: UUID
        let code: String
        let version: Int
        let name: String
        let categories: [String]
        let checklist: Checklist
        let isDefault: Bool
        let current: Bool
        let createdBy: String
        let createdAt: String
    }

    static func json(_ checklist: Checklist) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(checklist), as: UTF8.self)
    }

    static let columns = ["id", "code", "version", "name", "categories", "sections_json", "is_default", "current", "created_by", "created_at"]

    static func decode(_ row: any SQLRow) throws -> Version {
        let json = try row.decode(column: "sections_json", as: String.self)
        return Version(id: try row.decode(column: "id", as: UUID.self), code: try row.decode(column: "code", as: String.self),
                       version: try row.decode(column: "version", as: Int.self), name: try row.decode(column: "name", as: String.self),
                       categories: try row.decode(column: "categories", as: String.self).split(separator: ",").map(String.init),
                       checklist: try JSONDecoder().decode(Checklist.self, from: Data(json.utf8)),
                       isDefault: try row.decode(column: "is_default", as: Bool.self), current: try row.decode(column: "current", as: Bool.self),
                       createdBy: try row.decode(column: "created_by", as: String.self),
                       createdAt: Format.dateTime(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    static func find(_ id: UUID, on db: any Database) async throws -> Version? {
        try await db.sql.select().columns(columns).from("checklists").where("id", .equal, SQLBind(id)).first().map(decode)
    }

    /// The current version of every checklist.
    static func current(on db: any Database) async throws -> [Version] {
        try await db.sql.select().columns(columns).from("checklists").where("current", .equal, SQLBind(true)).orderBy("code").all().map(decode)
    }

    /// Every version of one checklist, newest first.
    static func versions(code: String, on db: any Database) async throws -> [Version] {
        try await db.sql.select().columns(columns).from("checklists").where("code", .equal, SQLBind(code)).orderBy("version", .descending).all().map(decode)
    }

    /// The current checklist for a unit's category: the one naming the longest prefix of its code.
    static func forCategory(_ code: String, on db: any Database) async throws -> Version? {
        let all = try await current(on: db)
        return all.compactMap { version -> (Int, Version)? in
            let best = version.categories.filter { code.hasPrefix($0) }.map(\.count).max()
            return best.map { ($0, version) }
        }.max { $0.0 < $1.0 }?.1
    }

    struct Input: Content, Sendable {
        var name: String?
        var categories: String?
        /// The checklist in its text form (the web form) …
        var text: String?
        /// … or as sections (the API).
        var sections: [Checklist.Section]?
    }

    /// Saves an edit as a new version; the version before stays for the inspections that used it.
    static func save(code: String, _ input: Input, by caller: Caller) async throws -> Version {
        var errors = ValidationCollector()
        let name = errors.text(input.name, field: "检查表名称", max: 60, required: true)
        let categories = (input.categories ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map { String($0).trimmed }.filter { !$0.isEmpty }
        if categories.isEmpty { errors.add(ValidationError(field: "适用类别", code: "required", message: "至少填写一个专业类别代码，如GG0402")) }
        for category in categories {
            if try await SupervisionCategory.find(category, on: caller.db) == nil {
                errors.add(ValidationError(field: "适用类别", code: "category.unknown", message: "“\(category)”不是有效的专业类别代码"))
            }
        }
        var checklist: Checklist?
        errors.run {
            if let sections = input.sections {
                let parsed = Checklist(sections: sections)
                try parsed.validate()
                checklist = parsed
            } else {
                checklist = try Checklist.parse(input.text ?? "")
            }
        }
        try errors.check()
        let json = try json(checklist!)
        let id = UUID()
        try await caller.db.writeTransaction { tx in
            // The write comes first (DESIGN.md "SQLite writes"): retire the current version, then add the next.
            try await tx.sql.update("checklists").set("current", to: SQLBind(false)).where("code", .equal, SQLBind(code)).run()
            let last = try await tx.sql.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v").from("checklists")
                .where("code", .equal, SQLBind(code)).first()?.decode(column: "v", as: Int?.self) ?? 0
            try await tx.sql.insert(into: "checklists").columns(columns)
                .values(SQLBind(id), SQLBind(code), SQLBind(last + 1), SQLBind(name!), SQLBind(categories.joined(separator: ",")), SQLBind(json),
                        SQLBind(false), SQLBind(true), SQLBind(caller.actor.name), SQLBind(caller.now.millis))
                .run()
            try await caller.audit(.checklistSave, target: ("checklist", id.uuidString), details: ["code": code, "version": String(last + 1)], on: tx)
        }
        return try await find(id, on: caller.db)!
    }
}

extension ChecklistQueries.Version: APIExample {
    static let example = ChecklistQueries.Version(id: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!, code: "YY", version: 2, name: "游泳场所卫生监督检查表",
                                                  categories: ["GG0402"], checklist: Checklist(sections: [.init(title: "池水水质", items: [
                                                      .init(code: "3.2", text: "游离性余氯在0.3～1.0 mg/L之间", key: true, score: 10, basis: "GB 37488-2019 表5")])]),
                                                  isDefault: false, current: true, createdBy: "林晓燕(xinxi)", createdAt: "2026-12-03 09:00")
}

extension ChecklistQueries.Input: APIExample {
    static let example = ChecklistQueries.Input(name: "游泳场所卫生监督检查表", categories: "GG0402", text: nil, sections: ChecklistQueries.Version.example.checklist.sections)
}
