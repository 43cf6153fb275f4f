import Vapor

/// A path that exists under another method answers 405 with `Allow`, not 404 (issue 10): an API
/// client learns that it used the wrong method, not that the resource is missing.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    let routes: @Sendable () -> [Route]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as any AbortError where error.status == .notFound && request.route == nil {
            let segments = request.url.path.split(separator: "/").map(String.init)
            let allowed = Set(routes().filter { Self.matches($0.path, segments) }.map(\.method.rawValue)).sorted()
            guard !allowed.isEmpty else { throw error }
            throw MethodNotAllowed(allowed: allowed)
        }
    }

    static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        guard pattern.count == segments.count else {
            if case .catchall = pattern.last { return segments.count >= pattern.count - 1 }
            return false
        }
        for (component, segment) in zip(pattern, segments) {
            switch component {
            case .constant(let value): if value != segment { return false }
            case .parameter, .anything, .catchall: continue
            }
        }
        return true
    }

    struct MethodNotAllowed: AbortError {
        let allowed: [String]
        var status: HTTPResponseStatus { .methodNotAllowed }
        var reason: String { "不支持此请求方式，可用：\(allowed.joined(separator: "、"))" }
        var headers: HTTPHeaders { ["Allow": allowed.joined(separator: ", ")] }
    }
}
