import Foundation
import Vapor

/// `weijian jobs list` and `weijian jobs <name>`: the scheduled jobs, and running one now (after a
/// restore, or to send the day's reminders at once). The jobs are safe to run again: reminders are
/// deduplicated, checks only report.
struct JobsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "job", help: "list 列出定时任务；或要立即运行的任务名称")
        var job: String
    }

    var help: String { "列出定时任务（weijian jobs list），或立即运行其中一个（weijian jobs inspections.followUps）" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        if signature.job == "list" {
            for job in Jobs.all { context.console.output(text: "\(job.name)\t每\(Int(job.interval))秒") }
            return
        }
        guard let job = Jobs.all.first(where: { $0.name == signature.job }) else {
            throw CommandError(message: "没有名为“\(signature.job)”的定时任务；weijian jobs list 列出全部任务")
        }
        try await job.run(app)
        context.console.output(text: "任务 \(job.name) 已运行")
    }
}
