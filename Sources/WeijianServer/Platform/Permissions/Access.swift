import Vapor
import WeijianCore

/// What a route requires. Every route under `/app` and `/api` declares one; a test fails when a
/// route does not (AccessControlTests).
public enum Access: Sendable, CustomStringConvertible {
    /// Anyone, signed in or not: the public site, the sign-in form, health checks.
    case anonymous
    /// A browser session part-way through signing in (second factor, forced password change).
    case signingIn
    /// Any fully signed-in user.
    case signedIn
    /// A signed-in user holding this permission.
    case permission(Permission)

    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .signingIn: "signingIn"
        case .signedIn: "signedIn"
        case .permission(let permission): permission.rawValue
        }
    }
}

/// Enforces a route's `Access`. Web requests are sent to sign in or shown a Chinese 403 page; API
/// requests get JSON. Every denial is audited.
struct AccessMiddleware: AsyncMiddleware {
    let access: Access

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let isAPI = request.url.path.hasPrefix("/api/")
        switch access {
        case .anonymous:
            return try await next.respond(to: request)
        case .signingIn:
            guard request.sessionState?.user != nil else { return try unauthenticated(request, isAPI: isAPI) }
            return try await next.respond(to: request)
        case .signedIn, .permission:
            guard let user = request.auth.get(CurrentUser.self) else {
                if !isAPI, let state = request.sessionState, state.user != nil, let page = SignInFlow.page(for: state.session.stage) {
                    return request.redirect(to: page)
                }
                return try unauthenticated(request, isAPI: isAPI)
            }
            if case .permission(let permission) = access, !user.can(permission) {
                try await request.audit(.accessDenied, target: ("route", "\(request.method.rawValue) \(request.url.path)"), outcome: .denied,
                                        details: ["permission": permission.rawValue])
                AppMetrics.shared.increment("weijian_access_denied_total")
                throw isAPI
                    ? APIError(.forbidden, code: "forbidden", message: "无权执行此操作（需要“\(permission.chinese)”权限）")
                    : Abort(.forbidden, reason: "您没有“\(permission.chinese)”权限。如需开通，请联系安全管理员。")
            }
            return try await next.respond(to: request)
        }
    }

    func unauthenticated(_ request: Request, isAPI: Bool) throws -> Response {
        if isAPI { throw APIError(.unauthorized, code: "unauthenticated", message: "需要登录：请在 Authorization 头中提供 Bearer 访问令牌") }
        let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
        let next = target.hasPrefix("/app") || target.hasPrefix("/portal") ? "?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : ""
        // Say why: a session that just ended by idle timeout is told so on the sign-in page.
        let expired = request.storage[SessionAuthenticator.ExpiredSessionKey.self] == true ? (next.isEmpty ? "?expired=1" : "&expired=1") : ""
        return request.redirect(to: "/app/login" + next + expired)
    }
}

extension RoutesBuilder {
    /// Registers a route with the access it requires; the requirement is kept on the route for the
    /// access-control tests and the OpenAPI check.
    ///
    /// An API route passes its `APIDoc`: the OpenAPI document is built from it and its parameters
    /// are checked (after the access check) before the handler runs.
    @discardableResult
    func endpoint<Response: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: PathComponent..., access: Access, doc: APIDoc? = nil,
                                                    body: HTTPBodyStreamStrategy = .collect,
                                                    use handler: @escaping @Sendable (Request) async throws -> Response) -> Route {
        var builder = grouped(AccessMiddleware(access: access))
        if let doc {
            let parameters = path.compactMap { component -> String? in if case .parameter(let name) = component { name } else { nil } }
            builder = builder.grouped(APIParameterCheck(doc: doc, pathParameters: parameters))
        }
        let route = builder.on(method, path, body: body, use: handler)
        route.userInfo["access"] = access.description
        if let doc { route.userInfo["apiDoc"] = doc }
        return route
    }
}
