import Fluent
import Foundation
import Vapor
import WeijianCore

/// A unit's data as typed into the form, posted to the API, read from an import row or proposed
/// by the unit through the portal. Every field is text until `EntityValidation.check` has passed.
struct EntityInput: Content, Sendable, Equatable {
    var name: String?
    var shortName: String?
    var creditCode: String?
    var legalRepName: String?
    var legalRepIDNumber: String?
    var legalRepPhone: String?
    var contactName: String?
    var contactPhone: String?
    var registeredAddress: String?
    var operatingAddress: String?
    var divisionCode: String?
    var township: String?
    var latitude: String?
    var longitude: String?
    var economicType: String?
    var industry: String?
    var categoryCode: String?
    var businessScope: String?
    var employees: String?
    var certifiedEmployees: String?
    var trainedEmployees: String?
    var status: String?
    var departmentID: String?
    var area: String?
    var ext: [String: String]?
    var inspectors: [String]?
    /// Units the clerk confirmed are not this one (the duplicate check at entry).
    var notDuplicateOf: [String]?

    /// What registration cannot do without (the API documents these as required).
    static let requiredForRegistration = ["name", "operatingAddress", "divisionCode", "categoryCode"]

    /// The fields a unit may change through the portal (not its category, department or inspectors).
    static let portalEditable: Set<String> = Set(EntityField.portal.map(\.key) + ["ext"])
}

/// The checked values of an `EntityInput`.
struct ValidatedEntity: Sendable {
    var name: String
    var shortName: String?
    var creditCode: CreditCode?
    var legalRepName: String?
    var legalRepID: ResidentID?
    var legalRepPhone: PhoneNumber?
    var contactName: String?
    var contactPhone: PhoneNumber?
    var registeredAddress: String?
    var operatingAddress: String
    var division: DivisionCode
    var township: String?
    var latitude: Double?
    var longitude: Double?
    var economicType: String?
    var industry: String?
    var category: SupervisionCategory
    var businessScope: String?
    var employees: Int?
    var certifiedEmployees: Int?
    var trainedEmployees: Int?
    var status: SupervisedEntity.Status
    var departmentID: UUID?
    var area: String?
    var extensionValues: [String: String]
    var inspectorIDs: [UUID]
    /// Data-quality warnings that do not stop the save (e.g. the inner GB 11714 check).
    var warnings: [String]
}

/// Validation on every write (regulation 四(二) 数据清洗): every bad field named at once.
enum EntityValidation {
    struct Context: Sendable {
        let tables: CodeTables
        let categories: [String: SupervisionCategory]
        /// Active departments by id, code and name (a form sends the id; an import row the code or name).
        let departments: [String: UUID]
        /// Active staff by id and username.
        let staff: [String: UUID]
    }

    static func context(tables: CodeTables, on db: any Database) async throws -> Context {
        let categories = try await SupervisionCategory.query(on: db).all()
        var departments: [String: UUID] = [:]
        for department in try await Department.query(on: db).filter(\.$active == true).all() {
            guard let id = department.id else { continue }
            departments[id.uuidString] = id
            departments[department.code] = id
            departments[department.name] = id
        }
        let staff = try await User.query(on: db).filter(\.$kind == .staff).filter(\.$status == .active).all()
        var byKey: [String: UUID] = [:]
        for user in staff { if let id = user.id { byKey[id.uuidString] = id; byKey[user.username] = id } }
        return Context(tables: tables, categories: Dictionary(uniqueKeysWithValues: categories.compactMap { c in c.id.map { ($0, c) } }),
                       departments: departments, staff: byKey)
    }

    static func check(_ input: EntityInput, context: Context) throws -> ValidatedEntity {
        var errors = ValidationCollector()
        /// A field's trimmed text, checked against its description (`EntityField`): required, length.
        func text(_ key: String) -> String? {
            let described = EntityField.byKey[key]!
            return text(input[keyPath: described.input], described.label, max: described.maxLength, required: described.required)
        }
        func text(_ value: String?, _ field: String, max: Int, required: Bool = false) -> String? {
            let trimmed = value?.trimmed ?? ""
            if trimmed.isEmpty {
                if required { errors.add(ValidationError(field: field, code: "required", message: "必填，不能为空")) }
                return nil
            }
            if trimmed.count > max { errors.add(ValidationError(field: field, code: "length", message: "不能超过\(max)个字符")) }
            return trimmed
        }
        func count(_ value: String?, _ field: String) -> Int? {
            guard let trimmed = text(value, field, max: 9) else { return nil }
            guard let number = Int(trimmed), number >= 0 else {
                errors.add(ValidationError(field: field, code: "integer", message: "应为不小于0的整数"))
                return nil
            }
            return number
        }
        func coordinate(_ value: String?, _ field: String, range: ClosedRange<Double>) -> Double? {
            guard let trimmed = text(value, field, max: 20) else { return nil }
            guard let number = Double(trimmed), range.contains(number) else {
                errors.add(ValidationError(field: field, code: "coordinate", message: "应为\(Int(range.lowerBound))到\(Int(range.upperBound))之间的数字"))
                return nil
            }
            return number
        }
        let name = text("name")
        let operatingAddress = text("operatingAddress")
        var creditCode: CreditCode?
        var warnings: [String] = []
        if let raw = text("creditCode") {
            errors.run { creditCode = try CreditCode(raw) }
            warnings += creditCode?.warnings ?? []
        }
        var legalRepID: ResidentID?
        if let raw = text("legalRepIDNumber") { errors.run { legalRepID = try ResidentID(raw, field: "法定代表人身份证号") } }
        var legalRepPhone: PhoneNumber?
        if let raw = text("legalRepPhone") { errors.run { legalRepPhone = try PhoneNumber(raw, field: "法定代表人电话") } }
        var contactPhone: PhoneNumber?
        if let raw = text("contactPhone") { errors.run { contactPhone = try PhoneNumber(raw, field: "联系电话") } }
        var division: DivisionCode?
        if let raw = text("divisionCode") { errors.run { division = try context.tables.division(raw) } }
        var economicType: String?
        errors.run { economicType = try context.tables.check(input.economicType, in: context.tables.economicTypes, field: "经济类型") }
        var industry: String?
        errors.run { industry = try context.tables.check(input.industry, in: context.tables.industries, field: "行业") }
        var category: SupervisionCategory?
        if let code = text("categoryCode") {
            if let found = context.categories[code], found.active { category = found } else {
                errors.add(ValidationError(field: "专业类别", code: "category.unknown", message: "“\(code)”不是有效的专业类别代码"))
            }
        }
        var status = SupervisedEntity.Status.operating
        if let raw = text("status") {
            if let found = SupervisedEntity.Status.allCases.first(where: { ($0.rawValue == raw || $0.chinese == raw) && $0 != .merged }) { status = found } else {
                errors.add(ValidationError(field: "经营状态", code: "status", message: "应为在营、停业或注销"))
            }
        }
        var departmentID: UUID?
        if let raw = text("departmentID") {
            if let id = context.departments[raw] ?? UUID(uuidString: raw).flatMap({ context.departments[$0.uuidString] }) { departmentID = id } else {
                errors.add(ValidationError(field: "责任科室", code: "department.unknown", message: "“\(raw)”不是在用的科室（填科室代码或名称）"))
            }
        }
        var inspectorIDs: [UUID] = []
        for raw in input.inspectors ?? [] where !raw.trimmed.isEmpty {
            let key = raw.trimmed
            if let id = context.staff[key] ?? context.staff[key.lowercased()] { inspectorIDs.append(id) } else {
                errors.add(ValidationError(field: "监督员", code: "inspector.unknown", message: "“\(raw)”不是本所在用人员（填用户名）"))
            }
        }
        let employees = count(input.employees, "从业人员数")
        let certified = count(input.certifiedEmployees, "持健康证人数")
        let trained = count(input.trainedEmployees, "培训合格人数")
        if let employees, let certified, certified > employees {
            errors.add(ValidationError(field: "持健康证人数", code: "count.exceeds", message: "不能多于从业人员数（\(employees)）"))
        }
        if let employees, let trained, trained > employees {
            errors.add(ValidationError(field: "培训合格人数", code: "count.exceeds", message: "不能多于从业人员数（\(employees)）"))
        }
        let latitude = coordinate(input.latitude, "纬度", range: -90...90)
        let longitude = coordinate(input.longitude, "经度", range: -180...180)
        for key in ["shortName", "legalRepName", "contactName", "registeredAddress", "township", "businessScope", "area"] { _ = text(key) }
        var extensionValues: [String: String] = [:]
        if let category { errors.run { extensionValues = try CategoryExtensions.validate(input.ext ?? [:], category: category.id ?? "") } }
        try errors.check()
        // Every required value is present once the collector has no errors.
        guard let division, let category, let name, let operatingAddress else {
            throw ValidationError(field: "输入", code: "required", message: "缺少必填项")
        }
        return ValidatedEntity(
            name: name, shortName: text("shortName"), creditCode: creditCode,
            legalRepName: text("legalRepName"), legalRepID: legalRepID, legalRepPhone: legalRepPhone,
            contactName: text("contactName"), contactPhone: contactPhone,
            registeredAddress: text("registeredAddress"), operatingAddress: operatingAddress,
            division: division, township: text("township"),
            latitude: latitude, longitude: longitude,
            economicType: economicType, industry: industry, category: category,
            businessScope: text("businessScope"), employees: employees, certifiedEmployees: certified,
            trainedEmployees: trained, status: status, departmentID: departmentID, area: text("area"),
            extensionValues: extensionValues, inspectorIDs: inspectorIDs, warnings: warnings)
    }
}

extension EntityInput: APIExample {
    static let example = EntityInput(name: "福州阳光宾馆有限公司", shortName: "阳光宾馆", creditCode: "91350100M000100Y43", legalRepName: "张三",
                                     operatingAddress: "福州市鼓楼区五四路12号", divisionCode: "350102", categoryCode: "GG0101", employees: "20",
                                     departmentID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", area: "一片区", ext: ["beds": "120"],
                                     inspectors: ["ggjd1"])
}
