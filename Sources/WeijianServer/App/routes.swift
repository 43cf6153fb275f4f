import Fluent
import Vapor

/// All routes. Browser routes load the session and check CSRF; API routes take bearer tokens.
func routes(_ app: Application) throws {
    app.endpoint(.GET, "healthz", access: .anonymous) { _ in ["status": "ok"] }
    app.endpoint(.GET, "readyz", access: .anonymous, use: OperationsController.ready)
    app.endpoint(.GET, "metrics", access: .anonymous, use: OperationsController.metrics)

    let web = app.grouped(SessionAuthenticator(), CSRFMiddleware(), ReplayGuard())
    PublicSiteController.register(web)
    SignInController.register(web)
    HomeController.register(web)

    let api = app.grouped("api", "v1").grouped(BearerTokenAuthenticator(), ReplayGuard())
    api.endpoint(.GET, "openapi.json", access: .anonymous, doc: APIDoc("本接口说明（OpenAPI 3.1）", response: OpenAPIShape.self)) { req in
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(string: req.application.openAPIJSON))
    }
    AccountController.register(web: web, api: api)
    UsersController.register(web: web, api: api)
    DepartmentsController.register(web: web, api: api)
    CalendarController.register(web: web, api: api)
    SystemLogController.register(web: web, api: api)
    SiteSettingsController.register(web: web)
    GrantsController.register(web: web, api: api)
    PolicyController.register(web: web)
    AuditController.register(web: web, api: api)
    StaffController.register(web: web, api: api)
    EntitiesController.register(web: web, api: api)
    CategoriesController.register(web: web, api: api)
    WaterLimitsController.register(web: web)
    LicensesController.register(web: web, api: api)
    SubmissionsController.register(web: web, api: api)
    PortalController.register(web: web)
    PortalAccountsController.register(web: web)
    DataQualityController.register(web: web, api: api)
    ImportController.register(web: web)
    InspectionsController.register(web: web, api: api)
    ChecklistsController.register(web: web, api: api)
    DocumentsController.register(web: web, api: api)
    CasesController.register(web: web, api: api)
    RandomChecksController.register(web: web, api: api)
}

/// Health, readiness and metrics for operators.
enum OperationsController {
    @Sendable static func ready(req: Request) async throws -> Response {
        do {
            _ = try await req.db.sql.raw("SELECT 1 AS ok").first()
            return try await ["status": "ready"].encodeResponse(for: req)
        } catch {
            let response = try await ["status": "database-unavailable"].encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }

    /// Prometheus metrics, for the monitoring host on loopback (or through the documented proxy rule).
    @Sendable static func metrics(req: Request) async throws -> Response {
        let address = req.remoteAddress?.ipAddress ?? ""
        guard address.hasPrefix("127.") || address == "::1" || req.settings.behindProxy else {
            throw Abort(.forbidden, reason: "监控指标只允许本机访问")
        }
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4"], body: .init(string: AppMetrics.shared.render()))
    }
}
