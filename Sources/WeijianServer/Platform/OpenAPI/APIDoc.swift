import Foundation
import Vapor
import WeijianCore

/// The documentation of one API operation, declared where its route is registered, so an
/// operation cannot exist without its request and response schemas (issue 10). The same
/// declaration checks the query and path parameters before the handler runs: a value of the
/// wrong type is answered 422 naming the parameter.
struct APIDoc: Sendable {
    /// A query parameter and the values it takes.
    struct Parameter: Sendable {
        enum Kind: Sendable {
            case text(maxLength: Int)
            case integer(ClosedRange<Int>)
            case uuid
            case date
            case choice([String])
        }
        let name: String
        let kind: Kind
        var required = false
        let description: String

        static func text(_ name: String, _ description: String, maxLength: Int = 200, required: Bool = false) -> Parameter {
            Parameter(name: name, kind: .text(maxLength: maxLength), required: required, description: description)
        }
        static func integer(_ name: String, _ description: String, _ range: ClosedRange<Int>, required: Bool = false) -> Parameter {
            Parameter(name: name, kind: .integer(range), required: required, description: description)
        }
        static func uuid(_ name: String, _ description: String) -> Parameter { Parameter(name: name, kind: .uuid, description: description) }
        static func date(_ name: String, _ description: String, required: Bool = false) -> Parameter {
            Parameter(name: name, kind: .date, required: required, description: description)
        }
        static func choice(_ name: String, _ description: String, _ values: [String], required: Bool = false) -> Parameter {
            Parameter(name: name, kind: .choice(values), required: required, description: description)
        }

        var schema: [String: Any] {
            switch kind {
            case .text(let max): ["type": "string", "maxLength": max]
            case .integer(let range): ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]
            case .uuid: ["type": "string", "format": "uuid"]
            case .date: ["type": "string", "format": "date"]
            case .choice(let values): ["type": "string", "enum": values]
            }
        }

        /// Checks one value; the error names the parameter and the rule.
        func check(_ value: String) -> ValidationError? {
            switch kind {
            case .text(let max):
                return value.count > max ? ValidationError(field: name, code: "length", message: "不能超过\(max)个字符") : nil
            case .integer(let range):
                guard let number = Int(value) else { return ValidationError(field: name, code: "integer", message: "应为整数") }
                return range.contains(number) ? nil : ValidationError(field: name, code: "range", message: "应在\(range.lowerBound)到\(range.upperBound)之间")
            case .uuid:
                return UUID(uuidString: value) == nil ? ValidationError(field: name, code: "uuid", message: "应为UUID（如 3F2504E0-4F89-11D3-9A0C-0305E82C3301）") : nil
            case .date:
                return LocalDate(value) == nil ? ValidationError(field: name, code: "date", message: "应为有效日期，格式YYYY-MM-DD") : nil
            case .choice(let values):
                return values.contains(value) ? nil : ValidationError(field: name, code: "choice", message: "应为\(values.joined(separator: "、"))之一")
            }
        }
    }

    let summary: String
    var query: [Parameter] = []
    /// The JSON body the operation reads, and which of its fields it cannot do without.
    var body: (any APIExample.Type)?
    var required: [String] = []
    /// What a success returns; nil for 204 No Content.
    var response: (any APIExample.Type)?
    var status: HTTPResponseStatus = .ok
    /// The media type of a file answer (a PDF), instead of a JSON response.
    var binary: String?
    /// The operation creates records: it honours an `Idempotency-Key` header.
    var idempotent: Bool { status == .created || body != nil }

    init(_ summary: String, query: [Parameter] = [], body: (any APIExample.Type)? = nil, required: [String] = [],
         response: (any APIExample.Type)? = nil, status: HTTPResponseStatus = .ok, binary: String? = nil) {
        self.summary = summary
        self.binary = binary
        self.query = query
        self.body = body
        self.required = required
        self.response = response
        self.status = response == nil && binary == nil && status == .ok ? .noContent : status
    }
}

/// Checks an API route's path and query parameters against its `APIDoc` before the handler runs.
struct APIParameterCheck: AsyncMiddleware {
    let doc: APIDoc
    let pathParameters: [String]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var errors = ValidationCollector()
        for name in pathParameters {
            if let value = request.parameters.get(name), UUID(uuidString: value) == nil {
                errors.add(ValidationError(field: name, code: "uuid", message: "应为UUID（如 3F2504E0-4F89-11D3-9A0C-0305E82C3301）"))
            }
        }
        let query = request.url.query.map(Self.queryItems) ?? [:]
        for parameter in doc.query {
            guard let value = query[parameter.name] else {
                if parameter.required { errors.add(ValidationError(field: parameter.name, code: "required", message: "必填")) }
                continue
            }
            if let error = parameter.check(value) { errors.add(error) }
        }
        try errors.check()
        return try await next.respond(to: request)
    }

    /// Query items by name (the last one wins), percent-decoded; an undecodable one is kept as sent.
    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ")
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            items[name.removingPercentEncoding ?? name] = value.removingPercentEncoding ?? "\u{FFFD}"
        }
        return items
    }
}
