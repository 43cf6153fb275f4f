import Vapor

/// Serves `Public/` for `/css/…` and `/js/…` only. Any other path, or an over-long one, goes to the
/// routes (and so to a 404 page): a very long name made the file lookup itself fail with a 500.
struct StaticFilesMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard path.hasPrefix("/css/") || path.hasPrefix("/js/"), path.utf8.count <= 200, !path.contains("..") else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
