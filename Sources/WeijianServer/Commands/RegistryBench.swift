import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Issue 3's benchmarks: the unit import against a plain batched insert of the same columns into
/// the same engine; search latency over a large registry against a primary-key read; the
/// process's peak memory during the import against its size before.
enum RegistryBench {
    static func run(_ app: Application, importRows: Int, searchUnits: Int, queries: Int, console: any Console) async throws -> [BenchCommand.Line] {
        var lines: [BenchCommand.Line] = []
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var generator = DemoUnits(seed: seed)
        let inputs = (0..<importRows).map { _ in generator.next() }
        let csv = CSVTable.write([DemoUnits.header] + inputs.map(DemoUnits.row))
        console.output(text: "导入基准：\(importRows)行（\(csv.count / 1024) KB）……")

        // Baseline: the same columns written with SQLKit batches into a copy of the table.
        try await app.db.sql.raw("DROP TABLE IF EXISTS bench_entities").run()
        try await app.db.sql.raw("CREATE TABLE bench_entities AS SELECT * FROM entities WHERE 1 = 0").run()
        let plain = try await timed {
            try await app.db.writeTransaction { tx in
                for chunk in stride(from: 0, to: inputs.count, by: 200) {
                    var insert = tx.sql.insert(into: "bench_entities")
                        .columns("id", "unit_code", "name", "credit_code", "legal_rep_name", "operating_address", "registered_address", "division_code",
                                 "category_code", "top_category", "extension", "source", "name_key", "address_key", "pinyin_key", "status", "created_at", "updated_at")
                    for (offset, input) in inputs[chunk..<min(chunk + 200, inputs.count)].enumerated() {
                        insert = insert.values(SQLBind(UUID()), SQLBind("B\(chunk + offset)"), SQLBind(input.name), SQLBind(input.creditCode), SQLBind(input.legalRepName),
                                               SQLBind(input.operatingAddress), SQLBind(input.registeredAddress), SQLBind(input.divisionCode), SQLBind(input.categoryCode),
                                               SQLBind(String((input.categoryCode ?? "").prefix(2))), SQLBind("{}"), SQLBind("internal"), SQLBind(input.name),
                                               SQLBind(input.operatingAddress), SQLBind(input.name), SQLBind("operating"), SQLBind(Date()), SQLBind(Date()))
                    }
                    try await insert.run()
                }
            }
        }
        try await app.db.sql.raw("DROP TABLE bench_entities").run()

        let before = peakMemoryMB()
        var report: ImportReport?
        let imported = try await timed {
            report = try await EntityImport.run(data: csv, filename: "bench.csv", options: .init(dryRun: false, updateExisting: false), actor: .operator("bench"),
                                                crypto: app.keyStore.fieldCrypto, tables: app.codeTables, on: app.db, now: app.clock.now())
        }
        guard let report, report.committed else {
            throw CommandError(message: "导入基准失败：\(report?.issues.prefix(3).map { "第\($0.row)行\($0.column)：\($0.message)" }.joined(separator: "；") ?? "")")
        }
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
        return lines
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
