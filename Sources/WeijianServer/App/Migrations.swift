import Fluent
import Vapor

/// Every migration, in the order it shipped. Never edit a shipped migration: add a new one.
enum Migrations {
    static func register(in app: Application) {
        app.migrations.add([
            CreateDepartment(),
            CreateUser(),
            CreateUserSession(),
            CreateAPIToken(),
            CreateRoleGrant(),
            CreateDataScopeGrant(),
            CreateAuditLog(),
            CreateSystemSetting(),
            CreateSystemLog(),
            CreateNotification(),
            CreateNumbering(),
            CreateCalendar(),
            CreateSearchIndex(),
            CreateSchedulerLease(),
            CreateStaffProfile(),
            CreateSupervisionCategory(),
            CreateSupervisedEntity(),
            CreateHealthLicense(),
            CreateSubmission(),
            CreateWaterLimits(),
            CreateDataQuality(),
            CreateImportBatch(),
            CreateAttachments(),
            CreateEntitySearchOrder(),
            CreateEntityPinyinOrderIndex(),
            AddSignInGuards(),
            AddSubmissionPendingKey(),
            AddUniqueCreditCodeIndex(),
            AddAuditChainKey(),
            CreateRequestReplays(),
            RekeyEntityDuplicates(divisions: app.codeTables.divisionIndex),
            AddAuthorizationVersion(),
            AddNotificationDedupeIndex(),
            CreateEnforcementDocuments(),
            CreateChecklists(),
            CreateInspections(),
            CreateInspectionEvidence(),
            CreateRandomChecks(),
            AddInspectionSchedule(),
            CreateCases(),
        ] as [any Migration])
    }

    /// Migrates, then applies the SQLite file settings.
    static func run(on app: Application) async throws {
        try await DatabaseSetup.prepare(app.db)
        try await app.autoMigrate()
        try await AuditLog.settleChainStart(on: app.db, keys: app.keyStore)
    }
}
