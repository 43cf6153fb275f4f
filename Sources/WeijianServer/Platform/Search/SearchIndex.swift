import Fluent
import Foundation
import SQLKit
import WeijianCore

/// Full-text search over Chinese text on both engines (DESIGN.md "Search").
///
/// Core's tokenizer turns text into ASCII tokens (characters and character pairs); SQLite keeps
/// them in an FTS5 table, PostgreSQL in a `tsvector` column with a GIN index. Callers get document
/// ids back and join them with their own table, where the reader's data scope applies.
/// Personal data of natural persons never goes into the index.
public enum SearchIndex {
    /// Replaces the indexed text of one document.
    public static func index(type: String, id: String, text: String, on db: any Database) async throws {
        let tokens = SearchTokenizer.indexTokens(text).joined(separator: " ")
        try await remove(type: type, id: id, on: db)
        switch db.engine {
        case .sqlite:
            try await db.sql.raw("INSERT INTO search_docs (doc_type, doc_id) VALUES (\(bind: type), \(bind: id))").run()
            try await db.sql.raw("INSERT INTO search_fts (rowid, tokens) VALUES (last_insert_rowid(), \(bind: tokens))").run()
        case .postgres:
            try await db.sql.raw("""
                INSERT INTO search_docs (doc_type, doc_id, tokens) VALUES (\(bind: type), \(bind: id), to_tsvector('simple', \(bind: tokens)))
                """).run()
        }
    }

    /// Indexes many new documents at once (a bulk import); the ids must not be indexed yet.
    public static func indexNew(type: String, documents: [(id: String, text: String)], on db: any Database) async throws {
        // Tokenising is pure work: done on every core before the writes.
        let tokenized = await Parallel.map(documents) { SearchTokenizer.indexTokens($0.text).joined(separator: " ") }
        for chunk in stride(from: 0, to: documents.count, by: 400) {
            let slice = documents[chunk..<min(chunk + 400, documents.count)]
            switch db.engine {
            case .sqlite:
                var insert = db.sql.insert(into: "search_docs").columns("doc_type", "doc_id")
                for document in slice { insert = insert.values(SQLBind(type), SQLBind(document.id)) }
                let rowids = try await insert.returning("rowid", "doc_id").all()
                    .map { (try $0.decode(column: "doc_id", as: String.self), try $0.decode(column: "rowid", as: Int64.self)) }
                let byID = Dictionary(rowids, uniquingKeysWith: { first, _ in first })
                var fts = db.sql.insert(into: "search_fts").columns("rowid", "tokens")
                for (offset, document) in zip(slice.indices, slice) {
                    guard let rowid = byID[document.id] else { continue }
                    fts = fts.values(SQLBind(rowid), SQLBind(tokenized[offset]))
                }
                try await fts.run()
            case .postgres:
                var insert = db.sql.insert(into: "search_docs").columns("doc_type", "doc_id", "tokens")
                for (offset, document) in zip(slice.indices, slice) {
                    insert = insert.values(SQLBind(type), SQLBind(document.id),
                                           SQLFunction("to_tsvector", args: SQLLiteral.string("simple"), SQLBind(tokenized[offset])))
                }
                try await insert.run()
            }
        }
    }

    public static func remove(type: String, id: String, on db: any Database) async throws {
        if db.engine == .sqlite {
            try await db.sql.raw("""
                DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_docs WHERE doc_type = \(bind: type) AND doc_id = \(bind: id))
                """).run()
        }
        try await db.sql.raw("DELETE FROM search_docs WHERE doc_type = \(bind: type) AND doc_id = \(bind: id)").run()
    }

    /// A condition `column IN (ids matching the query)`, to add to the caller's own scoped query.
    /// Returns nil when the query has no searchable token. With `uuidIDs`, document ids are UUIDs
    /// (stored as text on SQLite, compared as `uuid` on PostgreSQL).
    public static func matching(type: String, query: String, column: String, uuidIDs: Bool = true, on db: any Database) -> (any SQLExpression)? {
        let tokens = SearchTokenizer.queryTokens(query)
        guard !tokens.isEmpty else { return nil }
        switch db.engine {
        case .sqlite:
            let match = tokens.map { "\"\($0)\"" }.joined(separator: " AND ")
            return SQLQueryString("\(SQLColumn.path(column)) IN (SELECT d.doc_id FROM search_fts f CROSS JOIN search_docs d ON d.rowid = f.rowid WHERE search_fts MATCH \(bind: match) AND d.doc_type = \(bind: type))")
        case .postgres:
            let match = tokens.joined(separator: " & ")
            return SQLQueryString("\(SQLColumn.path(column)) IN (SELECT doc_id\(unsafeRaw: uuidIDs ? "::uuid" : "") FROM search_docs WHERE doc_type = \(bind: type) AND tokens @@ to_tsquery('simple', \(bind: match)))")
        }
    }
}
