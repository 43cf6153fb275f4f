import Vapor

/// The public website (regulation 八): its home page. Publications are added by the publishing feature.
enum PublicSiteController {
    static func register(_ app: RoutesBuilder) {
        app.endpoint(.GET, access: .anonymous, use: home)
    }

    struct HomePage: Encodable, Sendable {
        let organisation: String
    }

    @Sendable static func home(req: Request) async throws -> View {
        try await req.renderPage("public/home", title: req.settings.organisationName, content: HomePage(organisation: req.settings.organisationName))
    }
}
