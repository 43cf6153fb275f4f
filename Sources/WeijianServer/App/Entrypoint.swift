import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Vapor

/// The `weijian` executable: configuration from the environment, then the command.
public enum Weijian {
    public static func main() async {
        MemoryArenas.limit()
        var settings: Settings
        do {
            settings = try Settings.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        var env: Environment
        do { env = try Environment.detect() } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        env.arguments = env.arguments.isEmpty ? ["weijian"] : env.arguments
        let command = env.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
        guard commands.contains(where: { $0.name == command }) || ["routes", "help"].contains(command) else {
            FileHandle.standardError.write(Data("没有“\(command)”这个命令。\n\n\(usage)".utf8))
            exit(2)
        }
        // Scheduled jobs belong to the server: a command (import, demo, quality …) must not start
        // a weekly run or race the database's shutdown when it finishes.
        settings.runScheduler = settings.runScheduler && command == "serve"
        do {
            let app = try await Application.make(env)
            do {
                try await configure(app, settings: settings)
                app.asyncCommands.use(MigrateCommand(), as: "migrate")
                app.asyncCommands.use(AdminCommand(), as: "admin")
                app.asyncCommands.use(AuditVerifyCommand(), as: "audit-verify")
                app.asyncCommands.use(KeysCommand(), as: "keys")
                app.asyncCommands.use(BenchCommand(), as: "bench")
                app.asyncCommands.use(ImportCommand(), as: "import")
                app.asyncCommands.use(QualityCommand(), as: "quality")
                app.asyncCommands.use(DemoCommand(), as: "demo")
                app.asyncCommands.use(AttachmentsCommand(), as: "attachments")
                app.asyncCommands.use(JobsCommand(), as: "jobs")
                if command == "serve" {
                    try await Migrations.run(on: app)
                    try await Bootstrap.createAdministratorsIfNeeded(app, console: app.console)
                    await SystemLog.write(.info, category: "startup", "系统启动，监听 \(settings.host):\(settings.port)\(settings.usesTLS ? "（HTTPS）" : "")", on: app.db, now: app.clock.now())
                    app.lifecycle.use(ShutdownLog())
                }
                try await app.execute()
            } catch {
                try? await app.asyncShutdown()
                FileHandle.standardError.write(Data("错误：\(describe(error))\n".utf8))
                exit(1)
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("错误：\(error)\n".utf8))
            exit(1)
        }
    }
}

extension Weijian {
    /// The commands, as `weijian` without a known command lists them.
    static let commands: [(name: String, summary: String)] = [
        ("serve", "运行系统（默认）：首次启动创建数据目录、密钥和三个管理员账号"),
        ("demo", "向空的数据目录装入演示数据（--units 数量，--no-second-factor）"),
        ("admin", "账号管理：create、reset、token 等（weijian admin --help）"),
        ("import", "从 CSV 或 Excel 文件批量导入单位或许可证"),
        ("quality", "运行数据质量检查"),
        ("audit-verify", "校验审计日志的哈希链与签名"),
        ("keys", "密钥管理（轮换数据密钥）"),
        ("attachments", "校验附件文件的完整性"),
        ("jobs", "列出定时任务，或立即运行其中一个（weijian jobs inspections.followUps）"),
        ("migrate", "只执行数据库迁移"),
        ("bench", "基准测试（weijian bench --help）"),
    ]

    static var usage: String {
        "用法：weijian <命令> [选项]（各命令的选项见 weijian <命令> --help）\n\n"
            + commands.map { "  " + $0.name.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n") + "\n"
    }

    /// An error as the operator should read it: an HTTP-style error by its reason alone.
    static func describe(_ error: any Error) -> String {
        if let abort = error as? any AbortError { return abort.reason }
        return "\(error)"
    }
}

/// Writes the shutdown to the system operation log.
struct ShutdownLog: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await SystemLog.write(.info, category: "shutdown", "系统停止", on: application.db, now: application.clock.now())
    }
}

/// glibc gives every thread that allocates under contention its own malloc arena, up to eight
/// per core, and keeps what each arena once held: a 100,000-row import on the parallel workers
/// raised the process by ~560 MB, about half of it arenas (issue 11, item 20). One arena per
/// core keeps the import under 300 MB at the same speed. `MALLOC_ARENA_MAX` set by the operator wins.
enum MemoryArenas {
    static func limit() {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        // `mallopt` is in malloc.h, which Swift's Glibc module does not import: found by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mArenaMax: Int32 = -8  // M_ARENA_MAX in glibc's malloc.h
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }
}
