import Fluent
import Foundation
import Vapor
import WeijianCore

/// `weijian bench`: the benchmarks named in the issues, each beside a baseline measured in the
/// same run, printed as one table. Run it on a throw-away data folder (it adds a bench account
/// and numbering scheme): `WEIJIAN_DATA_DIR=$(mktemp -d) weijian bench`.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "requests", help: "每项 HTTP 测试的请求数（默认 3000）")
        var requests: Int?
        @Option(name: "allocations", help: "编号分配次数（默认 2000）")
        var allocations: Int?
        @Option(name: "concurrency", help: "并发数（默认 16）")
        var concurrency: Int?
        @Option(name: "port", help: "测试服务端口（默认 18080）")
        var port: Int?
        @Option(name: "import-rows", help: "导入基准的行数（默认 2000；正式测量用 100000）")
        var importRows: Int?
        @Option(name: "search-units", help: "检索基准的单位户数（不足时先补足；默认 5000；正式测量用 1000000）")
        var searchUnits: Int?
        @Option(name: "search-queries", help: "检索次数（默认 300）")
        var searchQueries: Int?
        @Option(name: "small-import-rows", help: "小批导入（进已补足的库）的行数（默认 2000，至多 5000）")
        var smallImportRows: Int?

        @Option(name: "inspection-units", help: "检查基准的单位户数（默认 2000；正式测量用 100000）")
        var inspectionUnits: Int?
        @Option(name: "inspections-per-unit", help: "检查基准每户的检查次数（默认 10）")
        var inspectionsPerUnit: Int?

        @Option(name: "only", help: "只运行一组：numbering、registry、http 或 inspections（默认全部）")
        var only: String?
    }

    var help: String { "性能基准：已登录首页对比简单路由的请求/秒；并发编号分配/秒对比顺序分配；单位导入对比直接批量插入；单位检索延迟；导入时峰值内存" }

    struct Line {
        let name: String
        let value: Double
        let unit: String
        let baselineName: String
        let baseline: Double
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        let requests = max(100, signature.requests ?? 3000)
        let allocations = max(100, signature.allocations ?? 2000)
        let concurrency = max(1, signature.concurrency ?? 16)
        var lines: [Line] = []
        let only = signature.only?.trimmingCharacters(in: .whitespaces) ?? ""
        guard ["", "numbering", "registry", "http", "inspections"].contains(only) else {
            throw CommandError(message: "--only：应为 numbering、registry、http 或 inspections")
        }
        if only == "" || only == "numbering" { lines.append(try await numberingLine(app, allocations: allocations, concurrency: concurrency)) }
        if only == "" || only == "registry" {
            lines += try await RegistryBench.run(app, importRows: max(100, signature.importRows ?? 2000), searchUnits: max(100, signature.searchUnits ?? 5000),
                                                 queries: max(20, signature.searchQueries ?? 300),
                                                 smallImportRows: min(EntitySearchIndex.maxBatch, max(100, signature.smallImportRows ?? 2000)), console: context.console)
        }
        if only == "" || only == "http" { lines.append(try await httpLine(app, port: signature.port ?? 18080, requests: requests, concurrency: concurrency)) }
        if only == "" || only == "inspections" {
            lines += try await InspectionBench.run(app, units: max(100, signature.inspectionUnits ?? 2000), perUnit: max(1, min(50, signature.inspectionsPerUnit ?? 10)),
                                                   requests: requests, port: (signature.port ?? 18080) + 1, console: context.console)
        }

        let engine = app.db.engine == .sqlite ? "SQLite" : "PostgreSQL"
        context.console.output(text: "基准（\(engine)，\(ProcessInfo.processInfo.activeProcessorCount)核，请求\(requests)次/项，并发\(concurrency)）")
        context.console.output(text: "| 项目 | 结果 | 基线 | 基线结果 | 比值 |")
        context.console.output(text: "|---|---|---|---|---|")
        for line in lines {
            context.console.output(text: String(format: "| %@ | %.1f %@ | %@ | %.1f %@ | %.2f |", line.name, line.value, line.unit, line.baselineName, line.baseline, line.unit, line.value / line.baseline))
        }
    }

    /// Numbering: sequential allocation, then the same number of allocations from concurrent tasks.
    func numberingLine(_ app: Application, allocations: Int, concurrency: Int) async throws -> Line {
        // Numbering: sequential allocation, then the same number of allocations from concurrent tasks.
        let scheme = "bench-\(UUID().uuidString.prefix(8))"
        let sequential = try await timed {
            for _ in 0..<allocations { _ = try await Numbering.allocate(scheme: scheme, organ: "seq", year: 2026, on: app.db) }
        }
        let contended = try await timed {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: worker, to: allocations, by: concurrency) {
                            _ = try await Numbering.allocate(scheme: scheme, organ: "par", year: 2026, on: app.db)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let issued = try await Numbering.allocate(scheme: scheme, organ: "par", year: 2026, on: app.db) - 1
        guard issued == allocations else { throw CommandError(message: "编号校验失败：并发分配后计数为\(issued)，应为\(allocations)") }
        return Line(name: "编号分配（\(concurrency)并发）", value: Double(allocations) / contended, unit: "次/秒",
                    baselineName: "顺序分配", baseline: Double(allocations) / sequential)
    }

    /// HTTP: the signed-in home page against a trivial route of the same binary and run.
    func httpLine(_ app: Application, port: Int, requests: Int, concurrency: Int) async throws -> Line {
        let cookie = try await benchSession(app)
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        defer { Task { await app.server.shutdown() } }
        let base = "http://127.0.0.1:\(port)"
        // Three alternating rounds, each route's median kept: on a shared 2-core machine the
        // baseline alone varied by a third between runs, and alternation spreads any drift over both.
        var trivial: [Double] = []
        var home: [Double] = []
        for _ in 0..<3 {
            trivial.append(try await load(app, url: base + "/healthz", cookie: nil, requests: requests / 3, concurrency: concurrency))
            home.append(try await load(app, url: base + "/app", cookie: cookie, requests: requests / 3, concurrency: concurrency))
        }
        await app.server.shutdown()
        return Line(name: "已登录首页 /app（三轮交替取中位数）", value: home.sorted()[1], unit: "请求/秒", baselineName: "简单路由 /healthz", baseline: trivial.sorted()[1])
    }

    func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// A signed-in inspector session for the home page.
    func benchSession(_ app: Application) async throws -> String {
        let username = "bench-\(UUID().uuidString.prefix(6).lowercased())"
        let user = User(username: username, displayName: "基准测试", kind: .staff, departmentID: nil,
                        passwordHash: try await Passwords.hash(Passwords.oneTime(), app: app), now: app.clock.now())
        user.mustChangePassword = false
        try await user.create(on: app.db)
        try await RoleGrant(userID: try user.requireID(), role: .inspector, grantedBy: "bench", at: app.clock.now()).create(on: app.db)
        let token = Sessions.randomToken()
        let session = UserSession()
        session.tokenHash = Sessions.hash(token)
        session.$user.id = try user.requireID()
        session.stage = .active
        session.csrfToken = Sessions.randomToken(bytes: 24)
        session.secondFactorDone = true
        session.ip = "127.0.0.1"
        session.createdAt = app.clock.now()
        session.lastSeenAt = app.clock.now()
        try await session.create(on: app.db)
        return token
    }

    func load(_ app: Application, url: String, cookie: String?, requests: Int, concurrency: Int) async throws -> Double {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: "\(Sessions.cookieName)=\(cookie)") }
        let fixedHeaders = headers
        // Warm up (template cache, connections).
        for _ in 0..<20 { _ = try await app.client.get(URI(string: url), headers: fixedHeaders) }
        let seconds = try await timed {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: worker, to: requests, by: concurrency) {
                            let response = try await app.client.get(URI(string: url), headers: fixedHeaders)
                            guard response.status == .ok else { throw CommandError(message: "\(url) 返回 \(response.status.code)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Double(requests) / seconds
    }
}

extension Console {
    /// Plain text output (ConsoleKit's `output` takes styled text).
    func output(text: String) { output(text.consoleText()) }
}
