import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// `weijian demo`: fills an empty installation with reproducible demo data in simplified Chinese —
/// departments, staff of every role (each with a one-time password printed once), units of every
/// category with licences, portal accounts and submissions — so a newcomer can try every feature.
/// Sized by `--units` (a few hundred to try the system, 1,000,000 for benchmarks).
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "units", help: "被监督单位户数（默认300）")
        var units: Int?
        @Option(name: "seed", help: "随机种子（默认2026，相同种子生成相同数据）")
        var seed: Int?
        @Flag(name: "no-second-factor", help: "试用环境：不要求本所人员绑定动态验证码（安全策略，可随时改回）")
        var noSecondFactor: Bool
    }

    var help: String { "在空系统中装入演示数据（各角色账号、各类别单位、许可证、单位报送）。只能用于没有任何数据的数据目录。" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        let users = try await User.query(on: app.db).count()
        let units = try await SupervisedEntity.query(on: app.db).count()
        guard users == 0 && units == 0 else {
            throw CommandError(message: "数据目录中已有数据（账号\(users)个、单位\(units)户）。演示数据只能装入全新的空系统：请换一个空的 WEIJIAN_DATA_DIR（或空数据库）后重试。")
        }
        let count = max(10, min(signature.units ?? 300, 2_000_000))
        let started = Date()
        let report = try await DemoLoader(app: app, seed: UInt64(signature.seed ?? 2026)).load(units: count, relaxSecondFactor: signature.noSecondFactor)
        let console = context.console
        console.output(text: "")
        console.output("==== 演示数据已装入（\(String(format: "%.0f", Date().timeIntervalSince(started)))秒） ====".consoleText(.info))
        console.output(text: "被监督单位\(count)户，卫生许可证\(report.licences)个，单位报送\(report.submissions)件，现场检查\(report.inspections)次"
                       + (count > DemoInspections.unitLimit ? "（只为前\(DemoInspections.unitLimit)户生成检查记录）。" : "。"))
        console.output(text: "以下账号的一次性密码只显示这一次，首次登录须修改密码\(signature.noSecondFactor ? "" : "并绑定动态验证码（可用任一TOTP验证器应用）")：")
        for account in report.accounts {
            console.output(text: "  \(account.role)\t用户名：\(account.username)\t一次性密码：\(account.password)\t\(account.note)")
        }
        let folder = ProcessInfo.processInfo.environment["WEIJIAN_DATA_DIR"].map { "WEIJIAN_DATA_DIR=\($0) " } ?? ""
        let database = ProcessInfo.processInfo.environment["DATABASE_URL"] != nil ? "DATABASE_URL=…（同上） " : ""
        console.output(text: "启动系统（使用刚装入演示数据的数据目录）：\(folder)\(database)swift run weijian serve，然后打开 http://127.0.0.1:8080/app/login")
    }
}

/// Loads the demo data; also used by the benchmarks to fill a large registry.
struct DemoLoader {
    let app: Application
    let seed: UInt64

    struct Account {
        let role: String
        let username: String
        let password: String
        let note: String
    }

    struct Report {
        var accounts: [Account] = []
        var licences = 0
        var submissions = 0
        var inspections = 0
    }

    static let departments: [(code: String, name: String, business: Bool, categories: [String])] = [
        ("BGS", "办公室", false, []), ("XXK", "信息科", false, []),
        ("GGK", "公共场所卫生监督科", true, ["GG"]), ("YSK", "生活饮用水卫生监督科", true, ["YS"]),
        ("YLK", "医疗卫生监督科", true, ["YL", "CR", "XD"]), ("XXWS", "学校卫生监督科", true, ["XX"]),
        ("ZFK", "职业与放射卫生监督科", true, ["ZY", "FS"]),
    ]

    func load(units count: Int, relaxSecondFactor: Bool) async throws -> Report {
        let db = app.db
        let now = app.clock.now()
        let actor = Actor.operator("demo")
        var report = Report()
        for admin in try await Bootstrap.createAdministratorsIfNeeded(app) {
            report.accounts.append(.init(role: admin.role.chinese, username: admin.username, password: admin.password, note: ""))
        }
        if relaxSecondFactor {
            var policy = try await SecuritySettings.load(on: db)
            policy.totpRequiredForStaff = false
            try await policy.save(on: db, by: actor, now: now)
        }
        // The demo's units are in 福州市: its divisions are what the forms offer.
        try await SiteSettings(jurisdiction: "350100").save(by: .system(app, actor: actor))
        var departmentIDs: [String: UUID] = [:]
        for department in Self.departments {
            let created = try await DepartmentQueries.create(code: department.code, name: department.name, isBusiness: department.business, by: .system(app, actor: actor))
            departmentIDs[department.code] = created.id
        }
        let staff: [(String, String, Role, String, Bool)] = [
            ("suozhang", "陈建国", .leader, "BGS", true), ("xinxi", "林晓燕", .infoOfficer, "XXK", true), ("dangan", "黄丽", .archivist, "XXK", true),
            ("shouli", "郑敏", .intakeClerk, "BGS", false),
            ("ggkz", "王海", .departmentHead, "GGK", false), ("ggjd1", "李强", .inspector, "GGK", false), ("ggjd2", "刘洋", .inspector, "GGK", false),
            ("yskz", "吴涛", .departmentHead, "YSK", false), ("ysjd1", "周杰", .inspector, "YSK", false), ("ysjd2", "陈晨", .inspector, "YSK", false),
            ("ylkz", "徐静", .departmentHead, "YLK", false), ("yljd1", "孙磊", .inspector, "YLK", false),
            ("xxjd1", "何娟", .inspector, "XXWS", false), ("zfjd1", "郭明", .inspector, "ZFK", false),
        ]
        var inspectorsByDepartment: [String: [UUID]] = [:]
        for (username, name, role, department, allDepartments) in staff {
            var input = UserQueries.NewUser(username: username, displayName: name, departmentID: departmentIDs[department])
            input.roles = [role]
            input.profile = .init(title: role.chinese, certificateNumber: role == .inspector ? "闽卫执证\(String(format: "%05d", username.count * 1379 % 99_999))" : nil)
            let (user, password) = try await UserQueries.create(input, by: .system(app, actor: actor), app: app)
            if allDepartments {
                try await DataScopeGrant(userID: try user.requireID(), dimension: .department, value: "*", grantedBy: actor.name, at: now).create(on: db)
            }
            if role == .inspector { inspectorsByDepartment[department, default: []].append(try user.requireID()) }
            report.accounts.append(.init(role: role.chinese, username: username, password: password,
                                         note: Self.departments.first { $0.code == department }?.name ?? ""))
        }

        let (entities, licences) = try await insertUnits(count: count, departmentIDs: departmentIDs, inspectors: inspectorsByDepartment, on: db, now: now)
        report.licences = licences

        // The portal: three units with an account each, and submissions in every state.
        // The third reports drinking-water tests, which only a water unit (YS) submits.
        let others = entities.filter { $0.topCategory != "YS" }.prefix(2)
        let sample = Array(others) + Array(entities.filter { $0.topCategory == "YS" }.prefix(1))
        var portalUsers: [CurrentUser] = []
        for (index, entity) in sample.enumerated() {
            let (user, password) = try await UserQueries.create(.init(username: "u\(entity.unitCode)", displayName: "\(entity.contactName ?? "联系人")", kind: .portal,
                                                                      entityID: entity.id, roles: [.entityUser]), by: .system(app, actor: actor), app: app)
            portalUsers.append(try await CurrentUser.load(user, sessionID: nil, csrfToken: nil, on: db))
            report.accounts.append(.init(role: Role.entityUser.chinese, username: user.username, password: password, note: entity.name + (index == 0 ? "（有一件待审核的变更）" : "")))
        }
        let tables = app.codeTables
        if portalUsers.count == 3 {
            _ = try await SubmissionQueries.submit(.entityChange, payload: .init(entity: .init(contactName: "赵小红", employees: String((sample[0].employees ?? 0) + 5)), note: "联系人变更，新招5人"),
                                                   entity: sample[0], by: .acting(as: portalUsers[0], app))
            let returned = try await SubmissionQueries.submit(.selfInspection, payload: .init(inspectionDate: LocalDate(instant: now).adding(days: -3).description,
                                                                                             content: "检查了布草更换和公共用品消毒记录", problems: "消毒记录缺两天"),
                                                              entity: sample[1], by: .acting(as: portalUsers[1], app))
            let reviewer = try await CurrentUser.load(try await User.query(on: db).filter(\.$username == "xinxi").first()!, sessionID: nil, csrfToken: nil, on: db)
            try await SubmissionQueries.decide(returned, decision: .return, reason: "请补充整改后的消毒记录照片和整改完成日期", entity: sample[1], by: .acting(as: reviewer, app))
            _ = try await SubmissionQueries.submit(.waterMonitoring, payload: .init(sampleDate: LocalDate(instant: now).adding(days: -1).description, samplePoint: "末梢水",
                                                                                    values: ["turbidity": "1.3", "pH": "7.4", "colonyCount": "20", "totalColiforms": "未检出"]),
                                                   entity: sample[2], by: .acting(as: portalUsers[2], app))
            report.submissions = 3
        }
        report.inspections = try await DemoInspections(app: app, seed: seed).load(now: now)
        _ = try await DataQualityQueries.run(trigger: "演示数据", by: .system(app, actor: actor))
        return report
    }

    /// Inserts `count` units in batches with their licences and inspectors; returns the first
    /// units (for portal accounts) and the number of licences.
    func insertUnits(count: Int, departmentIDs: [String: UUID], inspectors: [String: [UUID]], on db: any Database, now: Date) async throws -> ([SupervisedEntity], Int) {
        var generator = DemoUnits(seed: seed)
        let context = try await EntityValidation.context(tables: app.codeTables, on: db)
        let crypto = app.keyStore.fieldCrypto
        let today = LocalDate(instant: now)
        let categories = try await LicenseQueries.categoryMap(on: db)
        var first: [SupervisedEntity] = []
        var licenceCount = 0
        var sequence: [String: Int] = [:]
        let batch = 2000
        for start in stride(from: 0, to: count, by: batch) {
            var newEntities: [SupervisedEntity] = []
            var newLicences: [HealthLicense] = []
            var newLinks: [(UUID, UUID)] = []
            var newExtra: [UUID: String] = [:]
            for _ in start..<min(start + batch, count) {
                var input = generator.next()
                let top = CategoryNode.topLevel(of: input.categoryCode ?? "")
                let department = Self.departments.first { $0.categories.contains(top) }?.code
                input.departmentID = department.flatMap { departmentIDs[$0] }?.uuidString
                let valid = try EntityValidation.check(input, context: context)
                let entity = SupervisedEntity()
                entity.id = UUID()
                if sequence[valid.division.value] == nil {
                    // Continue after the numbers already issued in this division.
                    sequence[valid.division.value] = try await db.sql.select().column("last_value").from("number_counters")
                        .where("scheme", .equal, "entity").where("organ", .equal, valid.division.value).where("year", .equal, 0)
                        .first()?.decode(column: "last_value", as: Int.self) ?? 0
                }
                sequence[valid.division.value]! += 1
                entity.unitCode = EntityQueries.unitCode(division: valid.division.value, sequence: sequence[valid.division.value]!)
                entity.createdAt = now
                entity.source = InformationSource.internal.rawValue
                try EntityQueries.apply(valid, to: entity, crypto: crypto, divisions: app.codeTables.divisionIndex, now: now)
                newEntities.append(entity)
                if let department, let pool = inspectors[department], !pool.isEmpty {
                    newLinks.append((entity.id!, generator.pick(pool)))
                }
                if let category = categories[entity.categoryCode], category.licensing != .none, generator.number(0...9) < 9 {
                    let issued = today.adding(days: -generator.number(20...1700))
                    let licence = HealthLicense()
                    licence.id = UUID()
                    licence.number = category.licensing == .filing ? "榕卫备\(issued.year)\(String(format: "%07d", licenceCount + newLicences.count + 1))"
                        : "榕卫\(entity.topCategory == "GG" ? "公" : entity.topCategory == "YS" ? "水" : "医")字〔\(issued.year)〕第\(String(format: "%07d", licenceCount + newLicences.count + 1))号"
                    licence.kind = category.licensing
                    licence.entityID = entity.id!
                    licence.categoryCode = entity.categoryCode
                    licence.scope = category.name
                    licence.issuingOrgan = generator.number(0...2) == 0 ? "行政审批局" : "卫生健康委员会"
                    licence.issueDate = issued.description
                    licence.validUntil = category.validYears.map { LicenseTerms.validUntil(from: issued, years: $0).description }
                    licence.nextReview = category.reviewYears.flatMap { LicenseTerms.nextReview(from: issued, every: $0, until: LocalDate(licence.validUntil ?? ""), today: today) }?.description
                    licence.status = .valid
                    licence.createdAt = now
                    licence.updatedAt = now
                    newLicences.append(licence)
                    newExtra[entity.id!] = licence.number
                }
            }
            let (entities, licences, links, extra, counters) = (newEntities, newLicences, newLinks, newExtra, sequence)
            try await db.writeTransaction { tx in
                for (division, last) in counters { try await Numbering.raise(scheme: "entity", organ: division, year: 0, to: last, on: tx) }
                try await EntityQueries.insertMany(entities.map(EntityRow.init), origin: .init(actor: .operator("demo"), action: "create", comment: "演示数据", source: .internal),
                                                   extraSearchText: extra, on: tx, now: now)
                for chunk in stride(from: 0, to: links.count, by: 400) {
                    var insert = tx.sql.insert(into: "entity_inspectors").columns("entity_id", "user_id")
                    for link in links[chunk..<min(chunk + 400, links.count)] { insert = insert.values(SQLBind(link.0), SQLBind(link.1)) }
                    try await insert.run()
                }
                try await LicenseQueries.insertMany(licences, actor: .operator("demo"), on: tx, now: now)
            }
            licenceCount += licences.count
            // The portal's sample: two units of any kind but water, and one water unit (YS).
            for entity in entities where first.count < 3 {
                let water = entity.topCategory == "YS"
                if water ? !first.contains(where: { $0.topCategory == "YS" }) : first.filter({ $0.topCategory != "YS" }).count < 2 {
                    first.append(entity)
                }
            }
        }
        return (first, licenceCount)
    }
}
