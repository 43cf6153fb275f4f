import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The scheduled jobs of the foundation. Features add theirs here.
enum Jobs {
    /// How often the audit chain is sealed with a signed checkpoint (and its witness line), seconds.
    static let checkpointInterval: TimeInterval = 30

    static let all: [Scheduler.Job] = [
        Scheduler.Job(name: "audit.checkpoint", interval: checkpointInterval) { app in
            try await AuditLog.checkpoint(on: app.db, keys: app.keyStore, now: app.clock.now())
        },
        Scheduler.Job(name: "sessions.cleanup", interval: 3600) { app in
            try await cleanUpSessions(app)
        },
        Scheduler.Job(name: "accounts.review", interval: 86_400) { app in
            try await remindAccountReview(app)
        },
        Scheduler.Job(name: "calendar.nextYear", interval: 86_400) { app in
            try await remindNextYearHolidays(app)
        },
        Scheduler.Job(name: "licences.remind", interval: 86_400) { app in
            try await LicensesController.remind(app)
        },
        // 卫生监督信息报告管理规定: data checked for duplicates, gaps and errors at least weekly.
        Scheduler.Job(name: "quality.weekly", interval: 7 * 86_400) { app in
            _ = try await DataQualityQueries.run(trigger: "每周定时", by: .system(app, actor: .system))
            try await EntityQueries.createUniqueCreditCodeIndexIfClean(on: app.db)
        },
        Scheduler.Job(name: "attachments.fixity", interval: 7 * 86_400) { app in
            try await checkAttachments(app)
        },
        // 复查: hourly, so the task is in the inbox on the morning the items fall due.
        Scheduler.Job(name: "inspections.followUps", interval: 3600) { app in
            try await FollowUps.remind(app)
        },
        // 案件: 立案 approvals, decisions due, and the institute's deadlines, in the inbox of who must act.
        Scheduler.Job(name: "cases.reminders", interval: 3600) { app in
            try await CaseReminders.remind(app)
        },
    ]

    /// Removes sessions idle past the timeout (the middleware refuses them anyway).
    static func cleanUpSessions(_ app: Application) async throws {
        let policy = try await SecuritySettings.load(on: app.db)
        let cutoff = app.clock.now().addingTimeInterval(-Double(policy.idleTimeoutMinutes * 60))
        try await UserSession.query(on: app.db).filter(\.$lastSeenAt < cutoff).delete()
        try await ReplayGuard.purge(on: app.db, now: app.clock.now())
        KeptUpload.purge(directory: app.weijianSettings.dataDirectory, now: app.clock.now())
        // Failure counts of names that are no account, once their lock (if any) has passed.
        try await app.db.sql.delete(from: "sign_in_throttle").where("updated_at", .lessThan, SQLBind(cutoff.addingTimeInterval(-Double(policy.lockoutMinutes * 60)))).run()
    }

    /// Regulation 九(二)3: accounts unused for 90 days are reviewed; the system administrators are reminded.
    static func remindAccountReview(_ app: Application) async throws {
        let now = app.clock.now()
        let policy = try await SecuritySettings.load(on: app.db)
        let stale = try await AccountReview.staleAccounts(olderThanDays: policy.accountReviewUnusedDays, on: app.db, now: now)
        guard !stale.isEmpty else { return }
        let today = LocalDate(instant: now)
        for admin in try await UserQueries.holders(of: .sysadmin, on: app.db) {
            try await Inbox.notify(userID: admin, kind: .task, title: "有\(stale.count)个账号超过\(policy.accountReviewUnusedDays)天未使用，请审核清理",
                                   link: "/app/admin/account-review", dedupeKey: "account-review-\(today.year)-\(today.month)", on: app.db, now: now)
        }
    }

    /// Each November the administrator is reminded to enter next year's holiday table.
    static func remindNextYearHolidays(_ app: Application) async throws {
        let now = app.clock.now()
        let today = LocalDate(instant: now)
        guard today.month >= 11 else { return }
        let calendar = try await CalendarStore.load(on: app.db)
        guard !calendar.isCovered(year: today.year + 1) else { return }
        for admin in try await UserQueries.holders(of: .sysadmin, on: app.db) {
            try await Inbox.notify(userID: admin, kind: .reminder, title: "请录入\(today.year + 1)年节假日安排",
                                   body: "未录入前，跨入\(today.year + 1)年的期限只按周末计算并标为暂定。",
                                   link: "/app/admin/calendar?year=\(today.year + 1)", dedupeKey: "holidays-\(today.year + 1)", on: app.db, now: now)
        }
    }

    /// The weekly fixity check of the attachment store: a missing or altered file is reported to
    /// the system administrators, who restore it from the backup.
    static func checkAttachments(_ app: Application) async throws {
        let now = app.clock.now()
        let report = try await Attachments.verifyAll(directory: app.weijianSettings.attachmentsDirectory, crypto: app.keyStore.fieldCrypto, on: app.db)
        if report.removedOrphans > 0 {
            await SystemLog.write(.warning, category: "attachments", "附件库校验：清除\(report.removedOrphans)个无记录引用的文件（保存失败的提交留下，超过24小时）", on: app.db, now: now)
        }
        guard !report.problems.isEmpty else {
            await SystemLog.write(.info, category: "attachments", "附件库校验：\(report.checked)个文件完好", on: app.db, now: now)
            return
        }
        await SystemLog.write(.error, category: "attachments", "附件库校验：\(report.checked)个文件中\(report.problems.count)个缺失或损坏", on: app.db, now: now)
        let today = LocalDate(instant: now)
        for admin in try await UserQueries.holders(of: .sysadmin, on: app.db) {
            try await Inbox.notify(userID: admin, kind: .task, title: "附件库有\(report.problems.count)个文件缺失或损坏，请从备份恢复",
                                   body: report.problems.prefix(20).joined(separator: "\n"), link: "/app/admin/system-log",
                                   dedupeKey: "attachments-fixity-\(today.description)", on: app.db, now: now)
        }
    }
}
