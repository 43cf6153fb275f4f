import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Issue 3's benchmarks: the unit import against a plain batched insert of the same columns into
/// the same engine; search latency over a large registry against a primary-key read; the
/// process's peak memory during the import against its size before.
enum RegistryBench {
    static func run(_ app: Application, importRows: Int, searchUnits: Int, queries: Int, smallImportRows: Int, console: any Console) async throws -> [BenchCommand.Line] {
        var lines: [BenchCommand.Line] = []
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var generator = DemoUnits(seed: seed)
        var generated = (0..<importRows).map { _ in generator.next() }
        // On a registry that already holds units, a generated credit code may be taken: such rows
        // go in without one, so the file is valid as a whole.
        let taken = try await EntityImport.registered(codes: generated.compactMap(\.creditCode), on: app.db)
        for index in generated.indices where generated[index].creditCode.map({ taken[$0] != nil }) == true { generated[index].creditCode = nil }
        let inputs = generated
        let csv = CSVTable.write([DemoUnits.header] + inputs.map(DemoUnits.row))
        console.output(text: "导入基准：\(importRows)行（\(csv.count / 1024) KB）……")

        // The import first, so that its memory is measured against the process as it stands with
        // the file in hand (the baseline's prepared rows would raise the peak before it).
        let before = peakMemoryMB()
        let imported = try await timedImport(csv, filename: "bench.csv", app)
        let peak = peakMemoryMB()

        // Baseline: the same columns written with SQLKit batches into a copy of the table with the
        // same indexes — what storing the rows costs, without checking or preparing them.
        try await app.db.sql.raw("DROP TABLE IF EXISTS bench_entities").run()
        if app.db.engine == .postgres {
            try await app.db.sql.raw("CREATE TABLE bench_entities (LIKE entities INCLUDING DEFAULTS INCLUDING INDEXES)").run()
        } else {
            let statements = try await app.db.sql.raw("SELECT sql FROM sqlite_master WHERE tbl_name = 'entities' AND sql IS NOT NULL ORDER BY type DESC").all()
                .map { try $0.decode(column: "sql", as: String.self) }
            for statement in statements {
                let renamed = statement.replacingOccurrences(of: "\"entities\"", with: "bench_entities").replacingOccurrences(of: " entities ", with: " bench_entities ")
                    .replacingOccurrences(of: "INDEX entities_", with: "INDEX bench_entities_").replacingOccurrences(of: "INDEX \"entities_", with: "INDEX \"bench_entities_")
                try await app.db.sql.raw(SQLQueryString(renamed)).run()
            }
        }
        let prepared = try await storedRows(inputs, codePrefix: "B", placedAmongRegistered: false, app)
        let plain = try await timed { try await plainInsert(prepared, into: "bench_entities", on: app.db) }
        try await app.db.sql.raw("DROP TABLE bench_entities").run()
        lines.append(.init(name: "导入单位（校验、加密、索引、审计）", value: Double(importRows) / imported, unit: "行/秒",
                           baselineName: "SQLKit直接批量插入同样的列", baseline: Double(importRows) / plain))
        lines.append(.init(name: "导入时进程峰值内存", value: peak, unit: "MB", baselineName: "导入前进程峰值内存", baseline: before))

        // Search: fill the registry up to the size asked for, then time the search box.
        let existing = try await SupervisedEntity.query(on: app.db).count()
        if existing < searchUnits {
            console.output(text: "检索基准：补足到\(searchUnits)户（现有\(existing)户）……")
            _ = try await DemoLoader(app: app, seed: seed &+ 1).insertUnits(count: searchUnits - existing, departmentIDs: [:], inspectors: [:], on: app.db, now: app.clock.now())
        }
        let sample = try await app.db.sql.select().columns("id", "name", "credit_code").from("entities").orderBy("pinyin_key").limit(2000).all()
        var names: [String] = []
        var ids: [UUID] = []
        var codes: [String] = []
        for row in sample {
            names.append(try row.decode(column: "name", as: String.self))
            ids.append(try row.decode(column: "id", as: UUID.self))
            if let code = try row.decode(column: "credit_code", as: String?.self) { codes.append(code) }
        }
        var random = SeededRandom(seed: seed)
        var searchTimes: [Double] = []
        var lookupTimes: [Double] = []
        for index in 0..<queries {
            let query: String
            if index % 5 == 4, !codes.isEmpty {
                query = codes[Int(random.next() % UInt64(codes.count))]
            } else {
                let name = Array(names[Int(random.next() % UInt64(names.count))])
                let start = Int(random.next() % UInt64(max(1, name.count - 1)))
                query = String(name[start..<min(start + 2, name.count)])
            }
            searchTimes.append(try await timed { _ = try await EntitySearch.list(.init(q: query), scope: .unrestricted, on: app.db) })
            let id = ids[Int(random.next() % UInt64(ids.count))]
            lookupTimes.append(try await timed { _ = try await SupervisedEntity.find(id, on: app.db) })
        }
        let total = try await SupervisedEntity.query(on: app.db).count()
        lines.append(.init(name: "单位检索 p50（\(total)户）", value: percentile(searchTimes, 0.5) * 1000, unit: "毫秒",
                           baselineName: "按主键读取一户 p50", baseline: percentile(lookupTimes, 0.5) * 1000))
        lines.append(.init(name: "单位检索 p99（\(total)户）", value: percentile(searchTimes, 0.99) * 1000, unit: "毫秒",
                           baselineName: "按主键读取一户 p99", baseline: percentile(lookupTimes, 0.99) * 1000))

        // A clerk's usual import: a small file into the filled registry, against the plain insert
        // of rows like it into the same table (committed, then deleted again). Three rounds, each
        // side with its own generated rows (so neither writes into pages the other just warmed),
        // the side that goes first alternating; each side's median is kept.
        console.output(text: "小批导入基准：\(smallImportRows)行进\(total)户，三轮……")
        var plainTimes: [Double] = []
        var importTimes: [Double] = []
        func fresh(_ seedOffset: UInt64) async throws -> [EntityInput] {
            var smallGenerator = DemoUnits(seed: seed &+ seedOffset)
            var small = (0..<smallImportRows).map { _ in smallGenerator.next() }
            let takenNow = try await EntityImport.registered(codes: small.compactMap(\.creditCode), on: app.db)
            for index in small.indices where small[index].creditCode.map({ takenNow[$0] != nil }) == true { small[index].creditCode = nil }
            return small
        }
        for round in 0..<3 {
            let plainInputs = try await fresh(10 &+ 2 &* UInt64(round))
            let importInputs = try await fresh(11 &+ 2 &* UInt64(round))
            let smallCSV = CSVTable.write([DemoUnits.header] + importInputs.map(DemoUnits.row))
            func plain() async throws {
                // Prepared (ranks placed) just before the clock starts: the import may have used the gaps.
                let plainRows = try await storedRows(plainInputs, codePrefix: "BENCH-", placedAmongRegistered: true, app)
                plainTimes.append(try await timed { try await plainInsert(plainRows, into: SupervisedEntity.schema, on: app.db) })
                try await app.db.sql.raw("DELETE FROM entities WHERE unit_code LIKE 'BENCH-%'").run()
            }
            if round % 2 == 0 { try await plain() }
            importTimes.append(try await timedImport(smallCSV, filename: "bench-small-\(round + 1).csv", app))
            if round % 2 == 1 { try await plain() }
        }
        lines.append(.init(name: "小批导入\(smallImportRows)行（进库时已有\(total)户，三轮中位数）", value: Double(smallImportRows) / importTimes.sorted()[1], unit: "行/秒",
                           baselineName: "同样的行直接批量插入同一张表", baseline: Double(smallImportRows) / plainTimes.sorted()[1]))
        return lines
    }

    /// Seconds to import a file as the operator; a refused file stops the benchmark with its first issues.
    static func timedImport(_ csv: Data, filename: String, _ app: Application) async throws -> Double {
        var report: ImportReport?
        let seconds = try await timed {
            report = try await EntityImport.run(data: csv, filename: filename, options: .init(dryRun: false, updateExisting: false),
                                                by: .system(app, actor: .operator("bench")))
        }
        guard let report, report.committed else {
            throw CommandError(message: "导入基准失败（\(filename)）：\(report?.issues.prefix(3).map { "第\($0.row)行\($0.column)：\($0.message)" }.joined(separator: "；") ?? "")")
        }
        return seconds
    }

    /// The rows a plain insert writes: the stored columns exactly as the import stores them
    /// (ciphertexts, blind indexes, name, address and pinyin keys, search ranks placed among the
    /// registered units), prepared before the clock starts. Until 2026-12-03 the baseline wrote
    /// the typed text into those columns instead; plain text sorts apart from the registry's keys
    /// and hashes, so in a filled table it appended to the end of five indexes and touched a
    /// quarter of the pages a real row touches.
    static func storedRows(_ inputs: [EntityInput], codePrefix: String, placedAmongRegistered: Bool, _ app: Application) async throws -> [[BulkInsert.Value]] {
        let caller = Caller.system(app, actor: .operator("bench"))
        let context = try await EntityValidation.context(tables: caller.tables, on: app.db)
        let rows = try inputs.enumerated().map { offset, input in
            EntityRow(id: UUID(), unitCode: "\(codePrefix)\(offset)", source: .external,
                      values: try EntityRow.Values(try EntityValidation.check(input, context: context), crypto: caller.crypto,
                                                   divisions: caller.tables.divisionIndex), now: caller.now)
        }
        // Ranks among the registered units for rows written into the registry's own table; rows
        // written into an empty copy are ranked in pinyin order, evenly spaced.
        var ranks: [UUID: Int64] = [:]
        if placedAmongRegistered {
            precondition(rows.count <= EntitySearchIndex.maxBatch, "place at most \(EntitySearchIndex.maxBatch) units at once")
            ranks = try await EntitySearchIndex.ranksForNew(rows, on: app.db) ?? [:]
        } else {
            for (position, row) in rows.sorted(by: { ($0.values.pinyinKey, $0.id.uuidString) < ($1.values.pinyinKey, $1.id.uuidString) }).enumerated() {
                ranks[row.id] = Int64(position + 1) << 30
            }
        }
        return rows.map { row in row.stored + (app.db.engine == .sqlite ? [.int(ranks[row.id].map(Int.init))] : []) }
    }

    /// The baseline of an import: prepared rows (`storedRows`) written with SQLKit in batches of
    /// 200 in one transaction — storing, without checking, preparing, history, index or audit.
    static func plainInsert(_ rows: [[BulkInsert.Value]], into table: String, on db: any Database) async throws {
        try await db.writeTransaction { tx in
            let columns = EntityQueries.storedColumns + (tx.engine == .sqlite ? ["search_rank"] : [])
            for chunk in stride(from: 0, to: rows.count, by: 200) {
                var insert = tx.sql.insert(into: table).columns(columns)
                for row in rows[chunk..<min(chunk + 200, rows.count)] { insert = insert.values(row.map(\.bind)) }
                try await insert.run()
            }
        }
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// The process's peak resident memory (VmHWM) in MB.
    static func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
