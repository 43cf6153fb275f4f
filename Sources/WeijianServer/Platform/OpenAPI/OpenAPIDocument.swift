import Foundation
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, built from the routes' `APIDoc`s: every operation
/// with its parameters (typed, with formats), request body and response schemas, and the error
/// shape. Served at `/api/v1/openapi.json`; validated in the tests and exercised by schemathesis.
enum OpenAPIDocument {
    /// The API's routes with their documentation (a route without one fails AccessControlTests).
    static func operations(_ routes: [Route]) -> [(route: Route, path: String, doc: APIDoc?)] {
        routes.filter { $0.path.count >= 2 && $0.path[0].description == "api" && $0.path[1].description == "v1" }.map { route in
            let path = "/" + route.path.dropFirst(2).map { component -> String in
                if case .parameter(let name) = component { return "{\(name)}" }
                return component.description
            }.joined(separator: "/")
            return (route, path, route.userInfo["apiDoc"] as? APIDoc)
        }
    }

    static func json(organisation: String, routes: [Route]) -> String {
        var paths: [String: [String: Any]] = [:]
        for (route, path, doc) in operations(routes) {
            guard let doc else { continue }
            let access = route.userInfo["access"] as? String ?? "anonymous"
            paths[path, default: [:]][route.method.rawValue.lowercased()] = operation(route, path: path, doc: doc, access: access)
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "卫监 Weijian API", "version": "1.0.0",
                     "description": "\(organisation)信息管理系统接口。以 Bearer 访问令牌认证（令牌在“我的账号”页面输入密码后签发，或由服务器上的 weijian admin token 签发）；"
                        + "错误返回 {error:{code,message,fields}}；新建记录的 POST 可带 Idempotency-Key 头，重发时返回第一次的结果。"],
            "servers": [["url": "/api/v1"]],
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                           "schemas": ["Error": JSONSchema.of(ErrorBody.self)]],
            "paths": paths,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func operation(_ route: Route, path: String, doc: APIDoc, access: String) -> [String: Any] {
        var operation: [String: Any] = [
            "summary": doc.summary,
            "operationId": operationID(route.method, path),
            "x-permission": access,
            "security": access == "anonymous" ? [[String: [String]]()] : [["bearer": [String]()]],
            "responses": responses(doc, hasPath: path.contains("{"), access: access),
        ]
        var parameters: [[String: Any]] = route.path.compactMap { component in
            guard case .parameter(let name) = component else { return nil }
            return ["name": name, "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
        }
        parameters += doc.query.map { ["name": $0.name, "in": "query", "required": $0.required, "description": $0.description, "schema": $0.schema] }
        if route.method == .POST && doc.idempotent {
            parameters.append(["name": ReplayGuard.header, "in": "header", "required": false,
                               "description": "同一键重发时返回第一次的结果，不重复新建（一天内有效）",
                               "schema": ["type": "string", "minLength": 1, "maxLength": 200]])
        }
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body = doc.body {
            var schema = JSONSchema.of(body)
            // Input types keep every field optional so that each missing one can be named; the
            // operation says which it needs.
            schema.removeValue(forKey: "required")
            if !doc.required.isEmpty { schema["required"] = doc.required }
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema]]]
        }
        return operation
    }

    static func responses(_ doc: APIDoc, hasPath: Bool, access: String) -> [String: Any] {
        let error: [String: Any] = ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        func failure(_ text: String) -> [String: Any] { error.merging(["description": text]) { $1 } }
        var responses: [String: Any] = [
            "400": failure("请求格式有误"),
            "405": failure("请求方式不支持"),
            "422": failure("输入有误：fields 逐项指出字段与规则"),
        ]
        if access != "anonymous" {
            responses["401"] = failure("未登录或令牌无效")
            responses["403"] = failure("无此权限，或记录不在数据范围内")
        }
        if hasPath { responses["404"] = failure("记录不存在") }
        if doc.body != nil || doc.status == .created {
            responses["409"] = failure("与已有记录冲突，或同一请求正在处理")
            responses["413"] = failure("请求体过大")
            responses["415"] = failure("请求体不是 JSON")
        }
        if let binary = doc.binary {
            responses[String(doc.status.code)] = ["description": "成功", "content": [binary: ["schema": ["type": "string", "format": "binary"]]]]
            responses["410"] = failure("文书已作废")
        } else if let response = doc.response {
            responses[String(doc.status.code)] = ["description": "成功", "content": ["application/json": ["schema": JSONSchema.of(response)]]]
        } else {
            responses[String(doc.status.code)] = ["description": "完成"]
        }
        return responses
    }

    static func operationID(_ method: HTTPMethod, _ path: String) -> String {
        let words = path.split(whereSeparator: { "/{}-.".contains($0) }).map(String.init)
        return method.rawValue.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// The document's own shape, for its route's documentation.
struct OpenAPIShape: APIExample, CustomJSONSchema {
    let openapi: String
    static let example = OpenAPIShape(openapi: "3.1.0")
    static var schema: [String: Any] {
        ["type": "object", "required": ["openapi", "info", "paths"],
         "properties": ["openapi": ["type": "string"], "info": ["type": "object"], "paths": ["type": "object"]]]
    }
}

extension Application {
    struct OpenAPIKey: StorageKey { typealias Value = String }
    /// Built once: the routes do not change while the application runs.
    var openAPIJSON: String {
        if let json = storage[OpenAPIKey.self] { return json }
        let json = OpenAPIDocument.json(organisation: weijianSettings.organisationName, routes: routes.all)
        storage[OpenAPIKey.self] = json
        return json
    }
}
