import Foundation
import Fluent
import SQLKit
import WeijianCore

/// The duplicate matcher of issue 11 blocks units by the first two characters of their core name
/// (within their county) and by road and house number. Units stored before it carry the old keys:
/// this recomputes both, a batch of rows per transaction, and indexes them for the check at entry.
struct RekeyEntityDuplicates: AsyncMigration {
    let divisions: DivisionIndex
    static let batchSize = 2_000

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS entities_name_key").run()
        try await database.sql.raw("CREATE INDEX entities_name_key_division ON entities (name_key, division_code)").run()
        try await database.sql.raw("CREATE INDEX entities_address_key ON entities (address_key)").run()
        try await Self.rekey(on: database, divisions: divisions)
    }

    /// Recomputes every unit's duplicate keys, in batches of `batchSize` rows.
    static func rekey(on database: any Database, divisions: DivisionIndex) async throws {
        var last: UUID?
        while true {
            var query = database.sql.select().columns("id", "name", "operating_address").from(SupervisedEntity.schema)
            if let last { query = query.where("id", .greaterThan, SQLBind(last)) }
            let rows = try await query.orderBy("id").limit(batchSize).all()
            guard let end = rows.last else { return }
            let keyed = try rows.map { row in
                let keys = EntityKeys.duplicateKeys(name: try row.decode(column: "name", as: String.self),
                                                    address: try row.decode(column: "operating_address", as: String.self), divisions: divisions)
                return (try row.decode(column: "id", as: UUID.self), keys.0, keys.1)
            }
            try await database.transaction { tx in
                for slice in keyed.chunked(300) {
                    // VALUES names its columns column1… on both engines.
                    try await tx.sql.raw("""
                        UPDATE entities SET name_key = v.column2, address_key = v.column3
                        FROM (VALUES \(SQLList(slice.map { SQLGroupExpression([SQLBind($0.0), SQLBind($0.1), SQLBind($0.2)]) }))) AS v
                        WHERE entities.id = v.column1
                        """).run()
                }
            }
            last = try end.decode(column: "id", as: UUID.self)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX IF EXISTS entities_name_key_division").run()
        try await database.sql.raw("DROP INDEX IF EXISTS entities_address_key").run()
        try await database.sql.raw("CREATE INDEX entities_name_key ON entities (name_key)").run()
    }
}
