import Foundation

/// The OpenAPI 3.1 description of `/api/v1`. A test compares it with the registered routes, so a
/// route added without documentation fails the build.
enum OpenAPIDocument {
    struct Operation {
        let method: String
        let path: String
        let summary: String
        let permission: String
        let parameters: [(name: String, location: String, type: String, required: Bool)]
        let body: [String: String]?
        let response: String
        let status: String
        /// Body fields the operation refuses to do without.
        var requiredFields: [String] = []
    }

    static var error: [String: Any] { [
        "type": "object",
        "properties": ["error": ["type": "object", "properties": [
            "code": ["type": "string"], "message": ["type": "string"],
            "fields": ["type": "array", "items": ["type": "object", "properties": ["field": ["type": "string"], "code": ["type": "string"], "message": ["type": "string"]]]],
            "reference": ["type": "string"]]]],
    ] }

    static let operations: [Operation] = [
        .init(method: "get", path: "/openapi.json", summary: "本接口说明（OpenAPI 3.1）", permission: "anonymous", parameters: [], body: nil, response: "object", status: "200"),
        .init(method: "get", path: "/me", summary: "当前用户、角色与权限", permission: "signedIn", parameters: [], body: nil, response: "object", status: "200"),
        .init(method: "get", path: "/tokens", summary: "我的访问令牌", permission: "signedIn", parameters: [], body: nil, response: "array", status: "200"),
        .init(method: "delete", path: "/tokens/{tokenID}", summary: "撤销访问令牌", permission: "signedIn",
              parameters: [("tokenID", "path", "string", true)], body: nil, response: "none", status: "204"),
        .init(method: "get", path: "/users", summary: "账号列表", permission: "users.manage", parameters: [("q", "query", "string", false)], body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/users", summary: "新建账号（返回一次性密码）", permission: "users.manage", parameters: [],
              body: ["username": "string", "displayName": "string", "departmentID": "string", "title": "string", "certificateNumber": "string",
                     "certificateExpiry": "string", "phone": "string", "idNumber": "string"], response: "object", status: "201"),
        .init(method: "post", path: "/users/{userID}/disable", summary: "停用账号", permission: "users.manage", parameters: [("userID", "path", "string", true)], body: nil, response: "none", status: "204"),
        .init(method: "post", path: "/users/{userID}/enable", summary: "启用账号", permission: "users.manage", parameters: [("userID", "path", "string", true)], body: nil, response: "none", status: "204"),
        .init(method: "put", path: "/users/{userID}/grants", summary: "授予角色与数据范围", permission: "roles.grant", parameters: [("userID", "path", "string", true)],
              body: ["roles": "array", "departments": "array", "allDepartments": "string", "categories": "string", "areas": "string"], response: "none", status: "204",
              requiredFields: ["roles"]),
        .init(method: "get", path: "/departments", summary: "科室列表", permission: "signedIn", parameters: [], body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/departments", summary: "新增科室", permission: "departments.manage", parameters: [],
              body: ["code": "string", "name": "string", "isBusiness": "boolean"], response: "object", status: "201"),
        .init(method: "get", path: "/calendar/holidays", summary: "某年的节假日与调休", permission: "calendar.read", parameters: [("year", "query", "integer", false)], body: nil, response: "array", status: "200"),
        .init(method: "get", path: "/calendar/deadline", summary: "计算法定期限（附计算过程）", permission: "calendar.read",
              parameters: [("rule", "query", "string", true), ("from", "query", "string", true), ("extensionDays", "query", "string", false)], body: nil, response: "object", status: "200"),
        .init(method: "get", path: "/system-log", summary: "系统运行与故障日志", permission: "systemlog.read",
              parameters: [("level", "query", "string", false), ("category", "query", "string", false), ("before", "query", "integer", false)], body: nil, response: "array", status: "200"),
        .init(method: "get", path: "/audit/events", summary: "检索审计日志（本次检索亦被审计）", permission: "audit.read",
              parameters: [("actor", "query", "string", false), ("action", "query", "string", false), ("outcome", "query", "string", false),
                           ("from", "query", "string", false), ("to", "query", "string", false), ("text", "query", "string", false), ("before", "query", "integer", false)],
              body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/audit/verify", summary: "校验审计日志哈希链与签名检查点", permission: "audit.verify", parameters: [], body: nil, response: "object", status: "200"),
        .init(method: "get", path: "/staff", summary: "人员信息（个人信息已脱敏，按数据范围过滤）", permission: "staff.read", parameters: [("q", "query", "string", false)], body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/staff/{userID}/reveal", summary: "查看一项个人信息明文（须说明用途，已审计）", permission: "personal.reveal",
              parameters: [("userID", "path", "string", true)], body: ["field": "string", "purpose": "string"], response: "object", status: "200"),
        .init(method: "get", path: "/entities", summary: "被监督单位检索（按数据范围过滤，按名称拼音排序，每页50户）", permission: "entities.read",
              parameters: [("q", "query", "string", false), ("category", "query", "string", false), ("division", "query", "string", false), ("area", "query", "string", false),
                           ("department", "query", "string", false), ("status", "query", "string", false), ("grade", "query", "string", false),
                           ("source", "query", "string", false), ("inspector", "query", "string", false), ("page", "query", "integer", false)],
              body: nil, response: "object", status: "200"),
        .init(method: "post", path: "/entities", summary: "登记被监督单位", permission: "entities.edit", parameters: [],
              body: ["name": "string", "shortName": "string", "creditCode": "string", "legalRepName": "string", "legalRepIDNumber": "string", "legalRepPhone": "string",
                     "contactName": "string", "contactPhone": "string", "registeredAddress": "string", "operatingAddress": "string", "divisionCode": "string",
                     "township": "string", "latitude": "string", "longitude": "string", "economicType": "string", "industry": "string", "categoryCode": "string",
                     "businessScope": "string", "employees": "string", "certifiedEmployees": "string", "trainedEmployees": "string", "status": "string",
                     "departmentID": "string", "area": "string", "ext": "object", "inspectors": "array"], response: "object", status: "201", requiredFields: ["name", "operatingAddress", "divisionCode", "categoryCode"]),
        .init(method: "get", path: "/entities/{entityID}", summary: "单位档案（个人信息不返回）", permission: "entities.read",
              parameters: [("entityID", "path", "string", true)], body: nil, response: "object", status: "200"),
        .init(method: "put", path: "/entities/{entityID}", summary: "修改单位（个人信息留空则不变；变更记入历史）", permission: "entities.edit",
              parameters: [("entityID", "path", "string", true)], body: ["name": "string", "shortName": "string", "creditCode": "string", "legalRepName": "string", "legalRepIDNumber": "string", "legalRepPhone": "string",
                     "contactName": "string", "contactPhone": "string", "registeredAddress": "string", "operatingAddress": "string", "divisionCode": "string",
                     "township": "string", "latitude": "string", "longitude": "string", "economicType": "string", "industry": "string", "categoryCode": "string",
                     "businessScope": "string", "employees": "string", "certifiedEmployees": "string", "trainedEmployees": "string", "status": "string",
                     "departmentID": "string", "area": "string", "ext": "object", "inspectors": "array"], response: "object", status: "200",
              requiredFields: ["name", "operatingAddress", "divisionCode", "categoryCode"]),
        .init(method: "get", path: "/entities/{entityID}/history", summary: "单位变更历史", permission: "entities.read",
              parameters: [("entityID", "path", "string", true)], body: nil, response: "array", status: "200"),
        .init(method: "get", path: "/categories", summary: "专业类别树（含许可管理方式）", permission: "entities.read", parameters: [], body: nil, response: "array", status: "200"),
        .init(method: "get", path: "/licences", summary: "即将到期或复核（view=expiring&days=60）及已过期（view=expired）的许可证", permission: "entities.read",
              parameters: [("view", "query", "string", false), ("days", "query", "integer", false)], body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/entities/{entityID}/licences", summary: "登记卫生许可证或备案", permission: "licences.manage",
              parameters: [("entityID", "path", "string", true)], body: ["event": "string", "number": "string", "scope": "string", "issuingOrgan": "string", "issueDate": "string", "validUntil": "string",
                     "eventDate": "string", "reason": "string", "categoryCode": "string"], response: "object", status: "201",
              requiredFields: ["number", "issuingOrgan", "issueDate"]),
        .init(method: "post", path: "/licences/{licenceID}/events", summary: "办理许可证变更、延续、补办、注销、撤回或撤销", permission: "licences.manage",
              parameters: [("licenceID", "path", "string", true)], body: ["event": "string", "number": "string", "scope": "string", "issuingOrgan": "string", "issueDate": "string", "validUntil": "string",
                     "eventDate": "string", "reason": "string", "categoryCode": "string"], response: "object", status: "200", requiredFields: ["event", "eventDate"]),
        .init(method: "get", path: "/submissions", summary: "单位报送审核队列（status=submitted|returned|approved|all）", permission: "submissions.review",
              parameters: [("status", "query", "string", false)], body: nil, response: "array", status: "200"),
        .init(method: "post", path: "/submissions/{submissionID}/decide", summary: "审核报送：通过（approve）或退回补正（return，须写明理由）", permission: "submissions.review",
              parameters: [("submissionID", "path", "string", true)], body: ["decision": "string", "reason": "string"], response: "object", status: "200",
              requiredFields: ["decision"]),
        .init(method: "post", path: "/quality/run", summary: "立即进行数据质量检查（重复、缺项、错误）", permission: "dataquality.manage", parameters: [], body: nil, response: "object", status: "200"),
        .init(method: "get", path: "/quality/duplicates", summary: "待处理的疑似重复单位", permission: "dataquality.manage", parameters: [], body: nil, response: "array", status: "200"),
    ]

    static func json(organisation: String) -> String {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var operation: [String: Any] = [
                "summary": op.summary,
                "x-permission": op.permission,
                "responses": responses(for: op),
            ]
            if op.permission != "anonymous" { operation["security"] = [["bearer": [String]()]] } else { operation["security"] = [[String: [String]]()] }
            if !op.parameters.isEmpty {
                operation["parameters"] = op.parameters.map { ["name": $0.name, "in": $0.location, "required": $0.required, "schema": ["type": $0.type]] as [String: Any] }
            }
            if let body = op.body {
                var properties: [String: Any] = [:]
                for (name, type) in body {
                    switch type {
                    case "array": properties[name] = ["type": "array", "items": ["type": "string"]]
                    case "object": properties[name] = ["type": "object", "additionalProperties": ["type": "string"]]
                    default: properties[name] = ["type": type]
                    }
                }
                var schema: [String: Any] = ["type": "object", "properties": properties]
                if !op.requiredFields.isEmpty { schema["required"] = op.requiredFields }
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
            }
            paths[op.path, default: [:]][op.method] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "卫监 Weijian API", "version": "1.0.0", "description": "\(organisation)信息管理系统接口。以 Bearer 访问令牌认证；错误返回 {error:{code,message,fields}}。"],
            "servers": [["url": "/api/v1"]],
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": ["Error": error]],
            "paths": paths,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func responses(for op: Operation) -> [String: Any] {
        let errorResponse: [String: Any] = ["description": "错误", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var responses: [String: Any] = ["400": errorResponse, "422": errorResponse]
        if op.permission != "anonymous" { responses["401"] = errorResponse; responses["403"] = errorResponse }
        if op.path.contains("{") { responses["404"] = errorResponse; responses["409"] = errorResponse }
        // A body that is missing or not JSON is refused before it is read.
        if op.body != nil { responses["415"] = errorResponse }
        switch op.response {
        case "none": responses[op.status] = ["description": "完成"]
        case "array": responses[op.status] = ["description": "成功", "content": ["application/json": ["schema": ["type": "array", "items": ["type": "object"]]]]]
        default: responses[op.status] = ["description": "成功", "content": ["application/json": ["schema": ["type": "object"]]]]
        }
        return responses
    }
}
