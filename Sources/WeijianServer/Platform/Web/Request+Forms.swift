import Fluent
import Vapor
import WeijianCore

extension Request {
    /// The record a path parameter names, or a 404 that says in Chinese what is missing.
    func find<M: Model>(_ type: M.Type, _ parameter: String, called noun: String) async throws -> M where M.IDValue == UUID {
        guard let id = parameters.get(parameter).flatMap(UUID.init(uuidString:)), let record = try await M.find(id, on: db) else {
            throw Abort(.notFound, reason: "\(noun)不存在")
        }
        return record
    }

    /// Runs a form's action. Invalid input renders the form again (422) with what was typed and
    /// every bad field named: `invalid` builds the page from the errors.
    func form<Page: Encodable & Sendable>(_ template: String, title: String, action: () async throws -> Response,
                                          invalid: ([ValidationError]) async throws -> Page) async throws -> Response {
        let errors: [ValidationError]
        do {
            return try await action()
        } catch let error as ValidationErrors {
            errors = error.errors
        } catch let error as ValidationError {
            errors = [error]
        }
        return try await renderPage(template, title: title, content: try await invalid(errors)).encodeResponse(status: .unprocessableEntity, for: self)
    }
}
