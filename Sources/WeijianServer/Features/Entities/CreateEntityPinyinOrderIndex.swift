import Fluent
import SQLKit

/// Replaces the index on `pinyin_key` by one on (`pinyin_key`, `id`, `search_rank`): a new unit's
/// ranked neighbours, and the unfiltered list in pinyin order, are then read from the index alone
/// (before: a table read per candidate and a sort of the units sharing a key).
struct CreateEntityPinyinOrderIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let columns = database.engine == .sqlite ? "pinyin_key, id, search_rank" : "pinyin_key, id"
        try await database.sql.raw("DROP INDEX entities_pinyin_key").run()
        try await database.sql.raw("CREATE INDEX entities_pinyin_order ON entities (\(unsafeRaw: columns))").run()
    }
    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX entities_pinyin_order").run()
        try await database.sql.raw("CREATE INDEX entities_pinyin_key ON entities (pinyin_key)").run()
    }
}
