import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Departments (科室), kept by the system administrator.
enum DepartmentQueries {
    static func create(code: String, name: String, isBusiness: Bool, by caller: Caller) async throws -> Department {
        let (db, now) = (caller.db, caller.now)
        var errors = ValidationCollector()
        let code = code.trimmed.uppercased(), name = name.trimmed
        errors.require(code, field: "科室代码")
        errors.require(name, field: "科室名称")
        if !code.isEmpty, !(code.count <= 16 && code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })) {
            errors.add(ValidationError(field: "科室代码", code: "department.code", message: "应为不超过16位的字母或数字"))
        }
        if name.count > 40 { errors.add(ValidationError(field: "科室名称", code: "length", message: "不能超过40个字符")) }
        if !code.isEmpty, try await Department.query(on: db).filter(\.$code == code).first() != nil {
            errors.add(ValidationError(field: "科室代码", code: "department.codeTaken", message: "“\(code)”已存在"))
        }
        if !name.isEmpty, try await Department.query(on: db).filter(\.$name == name).first() != nil {
            errors.add(ValidationError(field: "科室名称", code: "department.nameTaken", message: "“\(name)”已存在"))
        }
        try errors.check()
        let department = Department(code: code, name: name, isBusiness: isBusiness, now: now)
        try await db.writeTransaction { tx in
            try await department.create(on: tx)
            try await caller.audit(.departmentCreate, target: ("department", try department.requireID().uuidString),
                                      details: ["code": code, "name": name], on: tx)
        }
        return department
    }

    /// Renames a department or changes its code or kind; audited with old and new values.
    static func update(_ department: Department, code: String, name: String, isBusiness: Bool, by caller: Caller) async throws {
        var errors = ValidationCollector()
        let code = errors.text(code.uppercased(), field: "科室代码", max: 16, required: true)
        let name = errors.text(name, field: "科室名称", max: 40, required: true)
        if let code, !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            errors.add(ValidationError(field: "科室代码", code: "department.code", message: "应为不超过16位的字母或数字"))
        }
        let id = try department.requireID()
        if let code, try await Department.query(on: caller.db).filter(\.$code == code).filter(\.$id != id).first() != nil {
            errors.add(ValidationError(field: "科室代码", code: "department.codeTaken", message: "“\(code)”已存在"))
        }
        if let name, try await Department.query(on: caller.db).filter(\.$name == name).filter(\.$id != id).first() != nil {
            errors.add(ValidationError(field: "科室名称", code: "department.nameTaken", message: "“\(name)”已存在"))
        }
        try errors.check()
        let before = [("科室代码", department.code), ("科室名称", department.name), ("业务科室", department.isBusiness ? "是" : "否")]
        department.code = code ?? department.code
        department.name = name ?? department.name
        department.isBusiness = isBusiness
        let after = [("科室代码", department.code), ("科室名称", department.name), ("业务科室", department.isBusiness ? "是" : "否")]
        let changes = zip(before, after).filter { $0.1 != $1.1 }.map { "\($0.0)：\($0.1) → \($1.1)" }
        guard !changes.isEmpty else { return }
        try await caller.db.writeTransaction { tx in
            try await department.save(on: tx)
            try await caller.audit(.departmentUpdate, target: ("department", id.uuidString), details: ["name": department.name, "changes": changes.joined(separator: "；")], on: tx)
        }
    }

    static func setActive(_ active: Bool, department: Department, by caller: Caller) async throws {
        let db = caller.db
        department.active = active
        try await db.writeTransaction { tx in
            try await department.save(on: tx)
            try await caller.audit(active ? .departmentEnable : .departmentDisable,
                                      target: ("department", try department.requireID().uuidString), details: ["name": department.name], on: tx)
        }
    }

    /// Every department's name by id (disabled ones too: old records name them).
    static func names(on db: any Database) async throws -> [UUID: String] {
        try await db.sql.select().columns("id", "name").from(Department.schema).all()
            .reduce(into: [:]) { $0[try $1.decode(column: "id", as: UUID.self)] = try $1.decode(column: "name", as: String.self) }
    }

    static func all(activeOnly: Bool = false, on db: any Database) async throws -> [Department] {
        var query = Department.query(on: db).sort(\.$code)
        if activeOnly { query = query.filter(\.$active == true) }
        return try await query.all()
    }
}
