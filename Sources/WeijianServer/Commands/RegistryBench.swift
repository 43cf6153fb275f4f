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
        let plain = try await timed { try await plainInsert(inputs, into: "bench_entities", codePrefix: "B", on: app.db) }
        try await app.db.sql.raw("DROP TABLE bench_entities").run()

        let before = peakMemoryMB()
        let imported = try await timedImport(csv, filename: "bench.csv", app)
        let peak = peakMemoryMB()
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

        // A clerk's usual import: a small file into the filled registry. The baseline is the same
        // plain insert into the same filled table (committed, then deleted again).
        var smallGenerator = DemoUnits(seed: seed &+ 2)
        var small = (0..<smallImportRows).map { _ in smallGenerator.next() }
        let takenNow = try await EntityImport.registered(codes: small.compactMap(\.creditCode), on: app.db)
        for index in small.indices where small[index].creditCode.map({ takenNow[$0] != nil }) == true { small[index].creditCode = nil }
        let smallInputs = small
        console.output(text: "小批导入基准：\(smallImportRows)行进\(total)户……")
        let smallPlain = try await timed { try await plainInsert(smallInputs, into: SupervisedEntity.schema, codePrefix: "BENCH-", on: app.db) }
        try await app.db.sql.raw("DELETE FROM entities WHERE unit_code LIKE 'BENCH-%'").run()
        let smallCSV = CSVTable.write([DemoUnits.header] + smallInputs.map(DemoUnits.row))
        let smallImported = try await timedImport(smallCSV, filename: "bench-small.csv", app)
        lines.append(.init(name: "小批导入\(smallImportRows)行（进库时已有\(total)户）", value: Double(smallImportRows) / smallImported, unit: "行/秒",
                           baselineName: "同样的列直接批量插入同一张已有\(total)户的表", baseline: Double(smallImportRows) / smallPlain))
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

    /// The baseline of an import: the same columns of the same rows written in SQLKit batches of
    /// 200 in one transaction, without checking or preparing anything.
    static func plainInsert(_ inputs: [EntityInput], into table: String, codePrefix: String, on db: any Database) async throws {
        try await db.writeTransaction { tx in
            for chunk in stride(from: 0, to: inputs.count, by: 200) {
                // On SQLite the import also stores each unit's search rank: the baseline writes one too.
                let ranked = tx.engine == .sqlite
                var insert = tx.sql.insert(into: table).columns(EntityQueries.storedColumns + (ranked ? ["search_rank"] : []))
                for (offset, input) in inputs[chunk..<min(chunk + 200, inputs.count)].enumerated() {
                    let values: [(any Encodable & Sendable)?] = [
                        UUID(), "\(codePrefix)\(chunk + offset)", input.name, input.shortName, input.creditCode, nil, nil, input.legalRepName, input.legalRepIDNumber,
                        input.legalRepIDNumber, input.legalRepPhone, input.legalRepPhone, input.contactName, input.contactPhone, input.contactPhone,
                        input.registeredAddress, input.operatingAddress, input.divisionCode, input.township, nil, nil, input.economicType, input.industry,
                        input.categoryCode, String((input.categoryCode ?? "").prefix(2)), input.businessScope, Int(input.employees ?? ""),
                        Int(input.certifiedEmployees ?? ""), Int(input.trainedEmployees ?? ""), nil, nil, input.area, "{}", "external", input.name,
                        input.operatingAddress, input.name, "operating", Date(), Date(),
                    ]
                    // Ranks far above any the registry uses, so the baseline never collides with them.
                    let rank: [(any Encodable & Sendable)?] = ranked ? [Int64.max / 2 + Int64(chunk + offset)] : []
                    insert = insert.values((values + rank).map { value -> any SQLExpression in value.map { SQLBind($0) } ?? SQLLiteral.null })
                }
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
