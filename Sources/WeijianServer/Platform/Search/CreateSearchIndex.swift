import Fluent
import Foundation
import SQLKit
import WeijianCore

struct CreateSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        switch database.engine {
        case .sqlite:
            try await database.sql.raw("CREATE TABLE search_docs (rowid INTEGER PRIMARY KEY, doc_type TEXT NOT NULL, doc_id TEXT NOT NULL)").run()
            try await database.sql.raw("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='', contentless_delete=1)").run()
        case .postgres:
            try await database.sql.raw("CREATE TABLE search_docs (id BIGSERIAL PRIMARY KEY, doc_type TEXT NOT NULL, doc_id TEXT NOT NULL, tokens TSVECTOR NOT NULL)").run()
            try await database.sql.raw("CREATE INDEX search_docs_tokens ON search_docs USING GIN (tokens)").run()
        }
        try await database.sql.raw("CREATE INDEX search_docs_doc ON search_docs (doc_type, doc_id)").run()
    }
    func revert(on database: any Database) async throws {
        if database.engine == .sqlite { try await database.sql.raw("DROP TABLE search_fts").run() }
        try await database.sql.raw("DROP TABLE search_docs").run()
    }
}
