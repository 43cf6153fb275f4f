import Vapor
import WeijianCore

/// An API error with a stable code and a Chinese message, rendered as
/// `{"error": {"code": …, "message": …, "fields": […]}}`.
public struct APIError: AbortError, Sendable {
    public let status: HTTPResponseStatus
    public let code: String
    public let message: String
    public var reason: String { message }

    public init(_ status: HTTPResponseStatus, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

struct ErrorBody: Content {
    struct Detail: Content {
        let code: String
        let message: String
        let fields: [FieldError]?
        let reference: String?
    }
    struct FieldError: Content {
        let field: String
        let code: String
        let message: String
    }
    let error: Detail
}

extension ErrorBody: APIExample {
    static let example = ErrorBody(error: .init(code: "validation", message: "统一社会信用代码：第18位校验码不符",
                                                fields: [.init(field: "统一社会信用代码", code: "creditCode.check", message: "第18位校验码不符")], reference: nil))
}
