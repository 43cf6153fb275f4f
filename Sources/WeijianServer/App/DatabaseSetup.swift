import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Which engine a database is, for the few statements that differ (full-text search, locking).
public enum Engine: Sendable { case sqlite, postgres }

extension Database {
    public var engine: Engine { (self as? any SQLDatabase)?.dialect.name == "postgresql" ? .postgres : .sqlite }

    /// The SQLKit view of a Fluent database (both drivers provide it).
    public var sql: any SQLDatabase {
        // Both drivers' databases conform; a Fluent database without SQL support is a programming error
        // caught by the first test, so the cast is checked once here.
        self as! any SQLDatabase
    }
}

enum DatabaseSetup {
    /// SQLite by default (a file in the data folder, WAL); PostgreSQL when `DATABASE_URL` is set.
    static func configure(_ app: Application, settings: Settings, postgresSearchPath: String? = nil) throws {
        if let url = settings.databaseURL {
            var config = try SQLPostgresConfiguration(url: url)
            if let schema = postgresSearchPath { config.searchPath = [schema] }
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, sqlLogLevel: .debug), as: .psql)
        } else {
            try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(settings.sqlitePath), sqlLogLevel: .debug), as: .sqlite)
        }
    }

    /// Settings that persist in the SQLite file. `synchronous` stays at SQLite's compiled default,
    /// FULL, so a committed transaction survives power loss (checked by a test).
    static func prepare(_ db: any Database) async throws {
        guard db.engine == .sqlite else { return }
        try await db.sql.raw("PRAGMA journal_mode=WAL").run()
    }
}

/// Marks the current task as inside a write transaction, so nested calls join it.
enum WriteTransactionContext {
    @TaskLocal static var database: (any Database)?
}

extension Database {
    /// Runs `body` in one transaction that is known to write.
    ///
    /// On SQLite it begins with `BEGIN IMMEDIATE`: a deferred transaction that reads first and then
    /// writes gets SQLITE_BUSY at once when another connection writes, and cannot be retried
    /// (DESIGN.md "SQLite writes"). Nested calls run inside the outer transaction.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if let outer = WriteTransactionContext.database { return try await body(outer) }
        if inTransaction { return try await body(self) }
        switch engine {
        case .postgres:
            return try await transaction { tx in
                try await WriteTransactionContext.$database.withValue(tx) { try await body(tx) }
            }
        case .sqlite:
            // One writer at a time in this process: a second BEGIN IMMEDIATE would spin in
            // sqlite-nio's busy handler and take the CPU the first writer needs to commit
            // (measured: 16 concurrent numbering writers ran at 0.17× the sequential rate).
            await SQLiteWriteLock.shared.lock()
            do {
                let result = try await withConnection { conn in
                    // A larger page cache for the connection (SQLite's default is 2 MB): writes into
                    // a registry of a million units touch index pages all over a multi-GB file.
                    // 64 MB: at 128 MB a 100,000-row import's cache alone took 128 of the 300 MB
                    // the import may add (issue 11, item 20), and a 2,000-row import into
                    // 1,000,000 units kept its ratio to the plain insert.
                    try await conn.sql.raw("PRAGMA cache_size = -65536").run()
                    // Statement journals (the pages a multi-row statement changed, kept so that a
                    // failing row undoes its statement) in memory: on disk they were a tenth of a
                    // bulk import's time in pwrite calls. They last one statement.
                    try await conn.sql.raw("PRAGMA temp_store = MEMORY").run()
                    try await conn.sql.raw("BEGIN IMMEDIATE").run()
                    do {
                        let result = try await WriteTransactionContext.$database.withValue(conn) { try await body(conn) }
                        try await conn.sql.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await conn.sql.raw("ROLLBACK").run()
                        throw error
                    }
                }
                await SQLiteWriteLock.shared.unlock()
                return result
            } catch {
                await SQLiteWriteLock.shared.unlock()
                throw error
            }
        }
    }
}

/// A fair async lock: waiters are resumed in arrival order and sleep while they wait.
actor SQLiteWriteLock {
    static let shared = SQLiteWriteLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty { held = false } else { waiters.removeFirst().resume() }
    }
}

/// Milliseconds since 1970 as stored in BIGINT columns: exact on both engines.
extension Date {
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
