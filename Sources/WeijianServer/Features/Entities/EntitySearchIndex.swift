import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import WeijianCore

/// The units' full-text index, kept so that a search reads its first page in pinyin order
/// without collecting and sorting every match (DESIGN.md "Search"; issue 3: p99 under 50 ms over
/// 1,000,000 units on SQLite).
///
/// On SQLite each unit has a `search_rank`: an integer that orders like (`pinyin_key`, `id`), with
/// gaps between neighbours. The unit's tokens live in the FTS5 table `entity_fts` under that rank
/// as rowid, and FTS5 yields matches in rowid order: `ORDER BY rowid LIMIT 50` stops after the
/// first 50 matches, however many there are. A new or renamed unit takes the middle of the gap
/// between its neighbours; a batch falling into one gap shares it evenly. When a gap is used up
/// (about 40 halvings of the first spacing) every rank and the index are rebuilt.
///
/// On PostgreSQL the shared `search_docs` index (tsvector + GIN) is used as before.
enum EntitySearchIndex {
    /// The spacing of ranks after a rebuild: room for 40 halvings, and for 4 million units below 2^62.
    static let spacing: Int64 = 1 << 40

    /// Name, short name, codes, addresses, the legal representative's name and licence numbers;
    /// never personal data of natural persons.
    static func text(_ row: EntityRow, licences: [String]) -> String {
        let v = row.values
        return ([v.name, v.shortName ?? "", v.creditCode ?? "", row.unitCode, v.operatingAddress, v.registeredAddress ?? "", v.legalRepName ?? ""] + licences)
            .joined(separator: " ")
    }

    static func text(_ entity: SupervisedEntity, licences: [String]) -> String { text(EntityRow(entity), licences: licences) }

    /// Ranks for units about to be inserted, between their ranked neighbours; an empty map when a
    /// gap has no room (the units then go in unranked and `indexNew` rebuilds the order); nil on
    /// PostgreSQL.
    static func ranksForNew(_ entities: [EntityRow], on db: any Database) async throws -> [UUID: Int64]? {
        guard db.engine == .sqlite else { return nil }
        guard !entities.isEmpty else { return [:] }
        precondition(entities.count <= maxBatch, "place at most \(maxBatch) units at once")
        // Raw binds: SQLKit's serialiser cost more than the lookups (see `BulkInsert`).
        guard let sqlite = db as? any SQLiteDatabase else { return nil }
        let tuples = Array(repeating: "(?,?)", count: entities.count).joined(separator: ",")
        let rows = try await sqlite.query("""
            WITH incoming AS (SELECT column1 AS id, column2 AS k FROM (VALUES \(tuples)))
            SELECT 0 AS rid, i.id AS id, i.k AS k, \(neighbours("i")) FROM incoming i
            """, entities.flatMap { [SQLiteData.text($0.id.uuidString), .text($0.values.pinyinKey)] })
        let candidates = rows.compactMap { row -> Candidate? in
            guard let id = row.column("id")?.string.flatMap(UUID.init(uuidString:)), let key = row.column("k")?.string else { return nil }
            return Candidate(rowid: 0, id: id, key: key, lo: row.column("lo")?.integer.map(Int64.init), hi: row.column("hi")?.integer.map(Int64.init))
        }
        guard let placed = place(candidates) else { return [:] }
        return Dictionary(placed.map { ($0.id, $0.rank) }, uniquingKeysWith: { first, _ in first })
    }

    /// Most units placed by one statement (two bound values each, under SQLite's 32,766).
    static let maxBatch = 5000

    /// The subqueries that find a unit's ranked neighbours in (pinyin_key, id) order, for the row alias `row` with columns k and id.
    static func neighbours(_ row: String, key: String = "k") -> String {
        """
        (SELECT p.search_rank FROM entities p WHERE p.pinyin_key <= \(row).\(key) AND p.search_rank IS NOT NULL
           AND NOT (p.pinyin_key = \(row).\(key) AND p.id >= \(row).id) ORDER BY p.pinyin_key DESC, p.id DESC LIMIT 1) AS lo,
        (SELECT s.search_rank FROM entities s WHERE s.pinyin_key >= \(row).\(key) AND s.search_rank IS NOT NULL
           AND NOT (s.pinyin_key = \(row).\(key) AND s.id <= \(row).id) ORDER BY s.pinyin_key, s.id LIMIT 1) AS hi
        """
    }

    /// Indexes units just inserted with the ranks `ranksForNew` gave them, with extra text per
    /// unit (licence numbers); rebuilds the order when some of them could not be ranked.
    static func indexNew(_ entities: [EntityRow], ranks: [UUID: Int64], extraText: [UUID: String], on db: any Database) async throws {
        let documents = entities.map { e in (id: e.id, text: text(e, licences: extraText[e.id].map { [$0] } ?? [])) }
        guard db.engine == .sqlite else {
            try await SearchIndex.indexNew(type: "entity", documents: documents.map { ($0.id.uuidString, $0.text) }, on: db)
            return
        }
        guard documents.allSatisfy({ ranks[$0.id] != nil }) else {
            try await rebuild(on: db)
            return
        }
        let tokens = await Parallel.map(documents) { SearchTokenizer.indexTokens($0.text).joined(separator: " ") }
        try await insert(zip(documents, tokens).map { (ranks[$0.0.id]!, $0.1) }, on: db)
    }

    /// Replaces one unit's entry (after a change, a licence, an undone merge); a merged unit leaves the index.
    static func reindex(_ entity: SupervisedEntity, on db: any Database) async throws {
        let id = try entity.requireID()
        guard db.engine == .sqlite else {
            if entity.status == .merged {
                try await SearchIndex.remove(type: "entity", id: id.uuidString, on: db)
            } else {
                try await SearchIndex.index(type: "entity", id: id.uuidString, text: text(entity, licences: try await LicenseQueries.numbers(entityID: id, on: db)), on: db)
            }
            return
        }
        try await remove(id, on: db)
        guard entity.status != .merged else { return }
        let tokens = SearchTokenizer.indexTokens(text(entity, licences: try await LicenseQueries.numbers(entityID: id, on: db))).joined(separator: " ")
        try await rankAndInsert(tokens: [id: tokens], on: db)
    }

    /// Takes a unit out of the index (merged into another).
    static func remove(_ id: UUID, on db: any Database) async throws {
        guard db.engine == .sqlite else {
            try await SearchIndex.remove(type: "entity", id: id.uuidString, on: db)
            return
        }
        if let rank = try await db.sql.raw("SELECT search_rank FROM entities WHERE id = \(bind: id)").first()?.decode(column: "search_rank", as: Int64?.self) {
            try await db.sql.raw("DELETE FROM entity_fts WHERE rowid = \(bind: rank)").run()
            try await db.sql.raw("UPDATE entities SET search_rank = NULL WHERE id = \(bind: id)").run()
        }
    }

    /// Gives every unranked unit a rank in its gap and indexes the tokens given for it; rebuilds
    /// everything when a gap is used up.
    static func rankAndInsert(tokens: [UUID: String], on db: any Database) async throws {
        guard let ranks = try await assignRanks(on: db) else {
            try await rebuild(on: db)
            return
        }
        try await insert(ranks.compactMap { rank in tokens[rank.id].map { (rank.rank, $0) } }, on: db)
        let missing = ranks.filter { tokens[$0.id] == nil }.map(\.id)
        if !missing.isEmpty {
            // Units left unranked earlier (none in normal operation): index them from their rows.
            try await insert(try await tokensFromRows(ids: missing, on: db).compactMap { id, text in ranks.first { $0.id == id }.map { ($0.rank, text) } }, on: db)
        }
    }

    static func insert(_ unsorted: [(rank: Int64, tokens: String)], on db: any Database) async throws {
        // FTS5 writes its pending terms out as a new segment whenever a rowid is not above the
        // last one: rows in rank order keep one segment per transaction instead of one per row.
        let rows = unsorted.sorted { $0.rank < $1.rank }
        try await BulkInsert.run(into: "entity_fts", columns: ["rowid", "tokens"], rows: rows.map { [.int(Int($0.rank)), .text($0.tokens)] }, on: db)
    }

    /// Ranks for the unranked, unmerged units already in the table (a changed or restored unit),
    /// between their ranked neighbours; nil when some gap is too small for the units that fall into it.
    static func assignRanks(on db: any Database) async throws -> [(id: UUID, rank: Int64)]? {
        let rows = try await db.sql.raw("""
            SELECT n.rowid AS rid, n.id AS id, n.pinyin_key AS k, \(unsafeRaw: neighbours("n", key: "pinyin_key"))
            FROM entities n WHERE n.search_rank IS NULL AND n.status <> 'merged'
            """).all()
        let candidates = try rows.map { row in
            Candidate(rowid: try row.decode(column: "rid", as: Int64.self), id: try row.decode(column: "id", as: UUID.self), key: try row.decode(column: "k", as: String.self),
                      lo: try row.decode(column: "lo", as: Int64?.self), hi: try row.decode(column: "hi", as: Int64?.self))
        }
        guard let assigned = place(candidates) else { return nil }
        for chunk in stride(from: 0, to: assigned.count, by: 400) {
            let slice = assigned[chunk..<min(chunk + 400, assigned.count)]
            let values = SQLList(slice.map { SQLGroupExpression([SQLBind($0.rowid), SQLBind($0.rank)]) as any SQLExpression })
            try await db.sql.raw("UPDATE entities SET search_rank = r.column2 FROM (VALUES \(values)) AS r WHERE entities.rowid = r.column1").run()
        }
        return assigned.map { ($0.id, $0.rank) }
    }

    /// A unit to be ranked, with the ranks of its ranked neighbours in (pinyin key, id) order.
    struct Candidate {
        var rowid: Int64
        var id: UUID
        var key: String
        var lo: Int64?
        var hi: Int64?
    }

    /// Ranks for the candidates: those falling into one gap (same lower neighbour) spread evenly
    /// over it in (pinyin key, id) order, compared as SQLite compares them (bytes of UTF-8);
    /// nil when a gap has no room for its units.
    static func place(_ candidates: [Candidate]) -> [(rowid: Int64, id: UUID, rank: Int64)]? {
        var assigned: [(rowid: Int64, id: UUID, rank: Int64)] = []
        assigned.reserveCapacity(candidates.count)
        for (lo, group) in Dictionary(grouping: candidates, by: \.lo) {
            let ordered = group.sorted { a, b in
                a.key == b.key ? a.id.uuidString.utf8.lexicographicallyPrecedes(b.id.uuidString.utf8) : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
            }
            let count = Int64(ordered.count)
            let hi = ordered.first?.hi
            let (low, high): (Int64, Int64)
            switch (lo, hi) {
            case let (lo?, hi?): (low, high) = (lo, hi)
            case let (lo?, nil): (low, high) = (lo, lo.addingReportingOverflow(spacing * (count + 1)).overflow ? Int64.max : lo + spacing * (count + 1))
            case let (nil, hi?): (low, high) = (hi.subtractingReportingOverflow(spacing * (count + 1)).overflow ? Int64.min + 1 : hi - spacing * (count + 1), hi)
            case (nil, nil): (low, high) = (0, spacing * (count + 1))
            }
            let step = (high - low) / (count + 1)
            guard step >= 1 else { return nil }
            for (offset, candidate) in ordered.enumerated() { assigned.append((candidate.rowid, candidate.id, low + step * Int64(offset + 1))) }
        }
        return assigned
    }

    /// Every rank renumbered with full spacing and the index rebuilt from the units' rows: after a
    /// gap is used up, and when the index is first created over existing units.
    static func rebuild(on db: any Database) async throws {
        guard db.engine == .sqlite else { return }
        try await db.sql.raw("DELETE FROM entity_fts").run()
        try await db.sql.raw("UPDATE entities SET search_rank = NULL").run()
        // One pass in pinyin order (ranking unit by unit would look for ranked neighbours among
        // none and read the whole order for each).
        try await db.sql.raw("""
            UPDATE entities SET search_rank = r.rn * \(unsafeRaw: String(spacing)) FROM (
              SELECT rowid AS rid, ROW_NUMBER() OVER (ORDER BY pinyin_key, id) AS rn FROM entities WHERE status <> 'merged'
            ) AS r WHERE entities.rowid = r.rid
            """).run()
        var after: Int64 = Int64.min
        while true {
            let rows = try await db.sql.raw("SELECT id, search_rank FROM entities WHERE search_rank > \(bind: after) ORDER BY search_rank LIMIT 5000").all()
            guard !rows.isEmpty else { break }
            let ranks = try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "search_rank", as: Int64.self)) }
            let texts = try await tokensFromRows(ids: ranks.map(\.0), on: db)
            let rankByID = Dictionary(ranks, uniquingKeysWith: { first, _ in first })
            try await insert(texts.compactMap { id, text in rankByID[id].map { ($0, text) } }, on: db)
            after = ranks.last!.1
        }
    }

    /// Tokens for units read back from their rows and licences.
    static func tokensFromRows(ids: [UUID], on db: any Database) async throws -> [(UUID, String)] {
        guard !ids.isEmpty else { return [] }
        let entities = try await SupervisedEntity.query(on: db).filter(\.$id ~~ ids).all()
        var licences: [UUID: [String]] = [:]
        for row in try await db.sql.select().columns("entity_id", "number").from(HealthLicense.schema).where(SQLIdentifier("entity_id"), .in, SQLGroupExpression(ids.map { SQLBind($0) as any SQLExpression })).all() {
            licences[try row.decode(column: "entity_id", as: UUID.self), default: []].append(try row.decode(column: "number", as: String.self))
        }
        let documents = entities.compactMap { entity in entity.id.map { ($0, text(entity, licences: licences[$0] ?? [])) } }
        return await Parallel.map(documents) { id, text in (id, SearchTokenizer.indexTokens(text).joined(separator: " ")) }
    }
}
