import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// How the auditor reads an event (issue 11: objects were UUIDs, details a line of JSON that ran
/// off the page, events of the command line and scheduled jobs had no source). Names are read in
/// one query per kind of object for the whole page.
enum AuditPresentation {
    struct Detail: Content {
        let label: String
        let value: String
    }

    /// What an event was about: its kind, its name (or its id when the name cannot be read), the
    /// page that shows it when the viewer may open it, and this object's events in the log.
    struct Target: Content {
        let kind: String
        let name: String
        let link: String?
        let eventsLink: String
    }

    static let kinds: [String: String] = [
        "entity": "被监督单位", "user": "账号", "licence": "卫生许可证", "department": "科室", "submission": "单位报送",
        "calendar": "节假日", "settings": "设置", "attachment": "附件", "staff": "人员信息", "apiToken": "接口令牌",
        "category": "专业类别", "export": "导出", "number": "编号", "path": "地址", "route": "地址",
    ]

    static let detailLabels: [String: String] = [
        "absorbed": "被合并单位", "after": "之后", "area": "片区", "at": "时间", "before": "之前", "changes": "变更",
        "code": "代码", "count": "数量", "dataKey": "数据密钥", "days": "天数", "department": "科室", "disabled": "停用",
        "duplicates": "疑似重复", "entity": "单位", "entry": "条目", "events": "事件数", "field": "字段", "fields": "字段",
        "indexKey": "索引密钥", "inspector": "监督员", "kind": "类别", "licensing": "许可管理", "locked": "锁定",
        "merge": "合并", "minutes": "分钟", "moved": "移交数量", "name": "名称", "number": "编号", "other": "另一单位",
        "otherUnit": "另一单位", "outOfScope": "超出范围", "password": "密码", "permission": "所需权限", "problems": "问题数",
        "purpose": "查看目的", "reason": "原因", "receiver": "接收人", "roles": "角色", "secondFactorReset": "重置动态验证码",
        "submission": "报送", "to": "至", "trigger": "触发方式", "unitCode": "单位编码", "units": "单位数", "user": "账号",
        "username": "用户名", "version": "版本", "publicURL": "系统访问地址", "jurisdiction": "本所辖区", "results": "结果数",
        "actor": "操作人", "action": "操作", "text": "内容", "from": "自", "tokensRevoked": "撤销的令牌数",
        "idsSHA256": "单位清单摘要", "rows": "行数", "created": "新增", "updated": "更新", "file": "文件", "sha256": "文件摘要",
        "format": "格式", "filters": "筛选条件",
    ]

    /// The details as label–value pairs, in the stored (sorted) order; a value that is not JSON
    /// (an older event) is shown whole.
    static func details(_ json: String) -> [Detail] {
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            return json == "{}" || json.isEmpty ? [] : [Detail(label: "详情", value: json)]
        }
        return object.sorted { $0.key < $1.key }.map { Detail(label: detailLabels[$0.key] ?? $0.key, value: $0.value) }
    }

    /// Where an event came from: the client's address, or the machine itself for the command line
    /// and scheduled jobs.
    static func source(_ ip: String) -> String { ip.isEmpty ? "本机（命令行或定时任务）" : ip }

    /// The targets of a page of events, with names read once per kind.
    static func targets(of rows: [AuditLog.EventRow], viewer: CurrentUser, on db: any Database) async throws -> [Target?] {
        var ids: [String: Set<UUID>] = [:]
        for row in rows { if let id = UUID(uuidString: row.target_id) { ids[row.target_type, default: []].insert(id) } }
        var names: [String: String] = [:]
        var links: [String: String] = [:]
        func key(_ type: String, _ id: UUID) -> String { "\(type):\(id.uuidString)" }
        if let entities = ids["entity"], !entities.isEmpty {
            for e in try await SupervisedEntity.query(on: db).filter(\.$id ~~ entities).field(\.$id).field(\.$name).all() {
                names[key("entity", e.id!)] = e.name
                if viewer.can(.entitiesRead) { links[key("entity", e.id!)] = "/app/entities/\(e.id!.uuidString)" }
            }
        }
        let people = (ids["user"] ?? []).union(ids["staff"] ?? [])
        if !people.isEmpty {
            for u in try await User.query(on: db).filter(\.$id ~~ people).field(\.$id).field(\.$username).field(\.$displayName).all() {
                for type in ["user", "staff"] {
                    names[key(type, u.id!)] = "\(u.displayName)（\(u.username)）"
                    if viewer.can(.usersManage) { links[key(type, u.id!)] = "/app/admin/users/\(u.id!.uuidString)" }
                }
            }
        }
        if let licences = ids["licence"], !licences.isEmpty {
            for l in try await HealthLicense.query(on: db).filter(\.$id ~~ licences).field(\.$id).field(\.$number).field(\.$entityID).all() {
                names[key("licence", l.id!)] = l.number
                if viewer.can(.entitiesRead) { links[key("licence", l.id!)] = "/app/entities/\(l.entityID.uuidString)" }
            }
        }
        if let departments = ids["department"], !departments.isEmpty {
            for d in try await Department.query(on: db).filter(\.$id ~~ departments).field(\.$id).field(\.$name).all() {
                names[key("department", d.id!)] = d.name
                if viewer.can(.departmentsManage) { links[key("department", d.id!)] = "/app/admin/departments/\(d.id!.uuidString)/edit" }
            }
        }
        if let submissions = ids["submission"], !submissions.isEmpty {
            for s in try await Submission.query(on: db).filter(\.$id ~~ submissions).field(\.$id).field(\.$number).all() {
                names[key("submission", s.id!)] = s.number
                if viewer.can(.submissionsReview) { links[key("submission", s.id!)] = "/app/submissions/\(s.id!.uuidString)" }
            }
        }
        return rows.map { row in
            guard !row.target_type.isEmpty else { return nil }
            let lookup = UUID(uuidString: row.target_id).map { key(row.target_type, $0) } ?? ""
            var events = URLComponents()
            events.queryItems = [URLQueryItem(name: "target", value: "\(row.target_type):\(row.target_id)")]
            return Target(kind: kinds[row.target_type] ?? row.target_type, name: names[lookup] ?? row.target_id,
                          link: links[lookup], eventsLink: "/app/audit?" + (events.percentEncodedQuery ?? ""))
        }
    }
}
