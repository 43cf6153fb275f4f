import Fluent
import Foundation
import Vapor
import WeijianCore

/// View models of the unit pages: values are formatted and personal data masked here, once.
enum EntityPages {
    struct Choice: Encodable, Sendable {
        let value: String
        let label: String
        var selected: Bool = false
    }

    struct ExtField: Encodable, Sendable {
        let key: String
        let label: String
        let value: String
        let choices: [Choice]
        let isChoice: Bool
        let required: Bool
        let maxLength: Int

        init(_ field: ExtensionField, value: String?) {
            key = field.key
            label = field.label
            self.value = value ?? ""
            choices = field.choices.map { Choice(value: $0, label: $0, selected: value == $0) }
            isChoice = field.isChoice
            required = field.required
            maxLength = field.maxLength
        }
    }

    struct Form: Encodable, Sendable {
        let isNew: Bool
        /// A new registration starts by choosing the category, which decides the extension fields.
        let needsCategory: Bool
        let action: String
        let entityID: String
        let input: EntityInput
        let categoryName: String
        let categories: [Choice]
        let departments: [Choice]
        let inspectors: [Choice]
        let statuses: [Choice]
        let extFields: [ExtField]
        /// 经济类型, 行业 and 行政区划 to choose from.
        let codes: CodeLists
        /// Each field's `maxlength`, from its description.
        var limits = EntityField.limits
        var errors: [String] = []
        /// Registered units this one may duplicate (the check at entry).
        var duplicates: [EntityDuplicates.Match] = []
    }

    static func categoryChoices(selected: String?, on db: any Database) async throws -> [Choice] {
        let all = try await SupervisionCategory.query(on: db).filter(\.$active == true).sort(\.$sortOrder).all()
        let names = Dictionary(uniqueKeysWithValues: all.compactMap { c in c.id.map { ($0, c.name) } })
        return all.map { node in
            let parent = node.parentCode.flatMap { names[$0] }.map { "\($0) › " } ?? ""
            return Choice(value: node.id ?? "", label: "\(parent)\(node.name)（\(node.licensing.chinese)）", selected: node.id == selected)
        }
    }

    static func form(isNew: Bool, entityID: UUID?, input: EntityInput, on req: Request) async throws -> Form {
        let db = req.db
        var category: SupervisionCategory?
        if let code = input.categoryCode { category = try await SupervisionCategory.find(code, on: db) }
        let departments = try await Department.query(on: db).filter(\.$active == true).sort(\.$code).all()
        let inspectorIDs = try await RoleGrant.query(on: db).filter(\.$role == Role.inspector.rawValue).all().map(\.$user.id)
        let inspectors = try await User.query(on: db).filter(\.$id ~~ inspectorIDs).filter(\.$status == .active).sort(\.$username).all()
        let chosen = Set(input.inspectors ?? [])
        let ext = input.ext ?? [:]
        return Form(
            isNew: isNew, needsCategory: isNew && category == nil, action: isNew ? "/app/entities" : "/app/entities/\(entityID?.uuidString ?? "")", entityID: entityID?.uuidString ?? "",
            input: input, categoryName: category?.name ?? "",
            categories: try await categoryChoices(selected: input.categoryCode, on: db),
            departments: departments.map { Choice(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == input.departmentID) },
            inspectors: inspectors.map { Choice(value: $0.id?.uuidString ?? "", label: "\($0.displayName)（\($0.username)）", selected: chosen.contains($0.id?.uuidString ?? "")) },
            statuses: SupervisedEntity.Status.allCases.filter { $0 != .merged }.map { Choice(value: $0.rawValue, label: $0.chinese, selected: $0.rawValue == (input.status ?? "operating")) },
            extFields: CategoryExtensions.fields(forCategory: input.categoryCode ?? "").map { ExtField($0, value: ext[$0.key]) },
            codes: try await CodeLists.load(req, economicType: input.economicType))
    }

    /// The form values of a stored unit; personal data is left blank and kept unless retyped.
    /// A registered unit's values as the edit form shows them (personal data is never put in the form).
    static func input(of entity: SupervisedEntity, inspectors: [UUID]) -> EntityInput {
        var input = EntityInput()
        for field in EntityField.all where field.personal == nil { input[keyPath: field.input] = field.stored(entity) }
        input.ext = entity.extensionValues
        input.inspectors = inspectors.map(\.uuidString)
        return input
    }

    /// Personal fields left blank on an edit form keep their stored value.
    static func keepingPersonalData(_ input: EntityInput, of entity: SupervisedEntity, crypto: FieldCrypto) throws -> EntityInput {
        var merged = input
        for field in EntityField.all {
            guard let personal = field.personal, merged[keyPath: field.input]?.trimmed.isEmpty ?? true else { continue }
            merged[keyPath: field.input] = try entity.cipher(of: personal).map { try crypto.decrypt($0, context: personal.context) }
        }
        return merged
    }

    struct Fact: Codable, Sendable {
        let label: String
        let value: String
    }

    struct PersonalFact: Encodable, Sendable {
        let field: String
        let label: String
        let masked: String
        let present: Bool
    }

    struct File: Encodable, Sendable {
        let id: String
        let name: String
        let unitCode: String
        let status: String
        let classification: String
        let facts: [Fact]
        let extFacts: [Fact]
        let personal: [PersonalFact]
        let inspectors: String
        let licences: [LicenseQueries.Row]
        /// The latest submissions, and how many there are in all.
        let submissions: [SubmissionQueries.Summary]
        let submissionsTotal: Int
        let history: [EntityQueries.HistoryRow]
        /// The history's total and pages.
        let pager: Pager
        let canEdit: Bool
        let canReveal: Bool
        let canLicense: Bool
        /// 一户一档: the unit's inspections, grade and open rectifications.
        let inspections: InspectionQueries.UnitSummary
        /// 风险分级: the score and each factor's share.
        let risk: UnitRisk.Row?
        let canInspect: Bool
        /// The unit's penalty cases, for those who handle cases.
        let cases: [CaseQueries.Row]
        let licensing: String
        let organs: [String]
        let purposes: [String]
        let today: String
        let mergedInto: String
        let canOpenPortalAccount: Bool
        var revealed: StaffController.Revealed?
        var errors: [String] = []
        /// What was typed into the licence form, shown again after an error.
        var licenceForm: LicenseQueries.Input
    }

    static func file(_ entity: SupervisedEntity, user: CurrentUser, crypto: FieldCrypto, tables: CodeTables, today: LocalDate,
                     historyPage: Int = 1, on db: any Database) async throws -> File {
        let id = try entity.requireID()
        let category = try await SupervisionCategory.find(entity.categoryCode, on: db)
        let topCategory = try await SupervisionCategory.find(entity.topCategory, on: db)
        let inspectorIDs = try await EntityQueries.inspectorIDs(id, on: db)
        let users = try await User.query(on: db).filter(\.$kind == .staff).all()
        var names: [String: String] = [:]
        for user in users { if let uid = user.id { names[uid.uuidString] = user.displayName } }
        for department in try await Department.query(on: db).all() { if let did = department.id { names[did.uuidString] = department.name } }
        let fields = SupervisedEntity.encryptedFields
        func mask(_ cipher: String?, _ field: EncryptedField) throws -> String { try cipher.map { field.kind.mask(try crypto.decrypt($0, context: field.context)) } ?? "未登记" }
        let ext = entity.extensionValues
        let source = InformationSource(rawValue: entity.source) ?? .internal
        let history = try await EntityQueries.history(id, page: historyPage, on: db, names: names)
        let submissions = try await SubmissionQueries.forEntity(id, today: today, on: db)
        let licences = try await LicenseQueries.forEntity(id, today: today, on: db)
        return File(
            id: id.uuidString, name: entity.name, unitCode: entity.unitCode, status: entity.status.chinese,
            classification: Classification(businessType: topCategory?.name ?? entity.topCategory, nature: .basic, source: source, sensitivity: .personal).summary,
            facts: [
                Fact(label: "单位编码", value: entity.unitCode), Fact(label: "单位名称", value: entity.name), Fact(label: "简称", value: entity.shortName ?? ""),
                Fact(label: "统一社会信用代码", value: entity.creditCode ?? "未登记"), Fact(label: "法定代表人（负责人）", value: entity.legalRepName ?? ""),
                Fact(label: "联系人", value: entity.contactName ?? ""), Fact(label: "注册地址", value: entity.registeredAddress ?? ""),
                Fact(label: "经营地址", value: entity.operatingAddress),
                Fact(label: "行政区划", value: "\(entity.divisionCode) \(tables.divisions.path(entity.divisionCode))"),
                Fact(label: "乡镇（街道）", value: entity.township ?? ""),
                Fact(label: "坐标", value: entity.latitude.map { "北纬\($0)，东经\(entity.longitude ?? 0)" } ?? ""),
                Fact(label: "经济类型", value: entity.economicType.map { "\($0) \(tables.economicTypes.name($0) ?? "")" } ?? ""),
                Fact(label: "行业", value: entity.industry.map { "\($0) \(tables.industries.name($0) ?? "")" } ?? ""),
                Fact(label: "专业类别", value: "\(category?.name ?? entity.categoryCode)（\(category?.licensing.chinese ?? "")）"),
                Fact(label: "经营范围", value: entity.businessScope ?? ""),
                Fact(label: "从业人员", value: [entity.employees.map { "共\($0)人" }, entity.certifiedEmployees.map { "持健康证\($0)人" },
                                              entity.trainedEmployees.map { "培训合格\($0)人" }].compactMap { $0 }.joined(separator: "，")),
                Fact(label: "经营状态", value: entity.status.chinese), Fact(label: "量化分级", value: entity.grade.map { ["A", "B", "C"].contains($0) ? $0 + "级" : $0 } ?? "未评定"),
                Fact(label: "风险等级", value: entity.riskLevel ?? "未评定"),
                Fact(label: "责任科室", value: entity.departmentID.flatMap { names[$0.uuidString] } ?? "未分配"), Fact(label: "片区", value: entity.area ?? ""),
            ],
            extFacts: CategoryExtensions.fields(forCategory: entity.categoryCode).map { Fact(label: $0.label, value: ext[$0.key] ?? "") },
            personal: [
                PersonalFact(field: fields[0].name, label: "法定代表人身份证号", masked: try mask(entity.legalRepIDCipher, fields[0]), present: entity.legalRepIDCipher != nil),
                PersonalFact(field: fields[1].name, label: "法定代表人电话", masked: try mask(entity.legalRepPhoneCipher, fields[1]), present: entity.legalRepPhoneCipher != nil),
                PersonalFact(field: fields[2].name, label: "联系电话", masked: try mask(entity.contactPhoneCipher, fields[2]), present: entity.contactPhoneCipher != nil),
            ],
            inspectors: inspectorIDs.compactMap { names[$0.uuidString] }.joined(separator: "、"),
            licences: licences,
            submissions: submissions.rows, submissionsTotal: submissions.total,
            history: history.rows, pager: Pager(history, path: "/app/entities/\(id.uuidString)"),
            canEdit: user.can(.entitiesEdit) && entity.status != .merged, canReveal: user.can(.personalDataReveal),
            canLicense: user.can(.licencesManage) && entity.status != .merged,
            inspections: try await InspectionQueries.unitSummary(id, today: today, on: db),
            risk: try await UnitRisk.unit(entity, today: today, on: db),
            canInspect: user.can(.inspectionsRecord) && entity.status != .merged,
            cases: user.can(.casesHandle) ? try await CaseQueries.ofUnit(id, today: today, on: db) : [],
            licensing: category?.licensing.rawValue ?? "none", organs: LicenseQueries.organs, purposes: StaffController.purposes,
            today: today.description, mergedInto: entity.mergedInto?.uuidString ?? "", canOpenPortalAccount: user.can(.portalAccounts),
            licenceForm: LicenseQueries.Input(issuingOrgan: LicenseQueries.organs[0], issueDate: today.description))
    }
}
