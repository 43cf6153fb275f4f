import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// In-process periodic jobs behind a database lease, so that with several nodes each run happens
/// on one of them (DESIGN.md "Scheduler").
public final class Scheduler: LifecycleHandler, Sendable {
    public struct Job: Sendable {
        public let name: String
        public let interval: TimeInterval
        public let run: @Sendable (Application) async throws -> Void
        public init(name: String, interval: TimeInterval, run: @escaping @Sendable (Application) async throws -> Void) {
            self.name = name
            self.interval = interval
            self.run = run
        }
    }

    let jobs: [Job]
    let holder = UUID().uuidString
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    public init(jobs: [Job]) { self.jobs = jobs }

    public func didBootAsync(_ application: Application) async throws {
        let jobs = self.jobs
        let holder = self.holder
        let started = Task {
            var lastRun: [String: Date] = [:]
            while !Task.isCancelled {
                let now = application.clock.now()
                for job in jobs where now.timeIntervalSince(lastRun[job.name] ?? .distantPast) >= job.interval {
                    lastRun[job.name] = now
                    await Scheduler.runOnce(job, holder: holder, app: application)
                }
                try? await Task.sleep(nanoseconds: 5_000_000_000)
            }
        }
        task.withLockedValue { $0 = started }
    }

    public func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
    }

    /// Runs a job if this node gets its lease; failures go to the failure log.
    static func runOnce(_ job: Job, holder: String, app: Application) async {
        let now = app.clock.now()
        do {
            guard try await acquireLease(job.name, holder: holder, for: job.interval, on: app.db, now: now) else { return }
            try await job.run(app)
        } catch {
            await SystemLog.write(.error, category: "scheduler", "定时任务 \(job.name) 失败：\(String(describing: error).prefix(500))", on: app.db, now: now)
        }
    }

    /// Takes the lease for a job when it is free or expired. Returns whether this holder has it.
    static func acquireLease(_ job: String, holder: String, for seconds: TimeInterval, on db: any Database, now: Date) async throws -> Bool {
        let until = now.addingTimeInterval(max(seconds * 0.9, 1)).millis
        let row = try await db.sql.raw("""
            INSERT INTO scheduler_leases (job, holder, expires_at) VALUES (\(bind: job), \(bind: holder), \(bind: until))
            ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE scheduler_leases.expires_at < \(bind: now.millis) OR scheduler_leases.holder = excluded.holder
            RETURNING holder
            """).first()
        return (try row?.decode(column: "holder", as: String.self)) == holder
    }
}
