import Foundation
import Logging
import Vapor

/// The `weijian` executable: configuration from the environment, then the command.
public enum Weijian {
    public static func main() async {
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
                if command == "serve" {
                    try await Migrations.run(on: app)
                    try await Bootstrap.createAdministratorsIfNeeded(app, console: app.console)
                    await SystemLog.write(.info, category: "startup", "系统启动，监听 \(settings.host):\(settings.port)\(settings.usesTLS ? "（HTTPS）" : "")", on: app.db, now: app.clock.now())
                    app.lifecycle.use(ShutdownLog())
                }
                try await app.execute()
            } catch {
                try? await app.asyncShutdown()
                FileHandle.standardError.write(Data("错误：\(error)\n".utf8))
                exit(1)
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("错误：\(error)\n".utf8))
            exit(1)
        }
    }
}

/// Writes the shutdown to the system operation log.
struct ShutdownLog: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await SystemLog.write(.info, category: "shutdown", "系统停止", on: application.db, now: application.clock.now())
    }
}
