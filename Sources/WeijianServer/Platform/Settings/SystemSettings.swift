import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

/// The security policy (DOMAIN.md "Security settings"); each value is a setting with this default.
public struct SecuritySettings: Sendable, Equatable, Codable {
    public var totpRequiredForStaff = true
    public var lockoutThreshold = 5
    public var lockoutMinutes = 30
    public var idleTimeoutMinutes = 30
    public var passwordMinimumLength = 12
    public var passwordMaximumAgeDays = 90
    public var accountReviewUnusedDays = 90
    /// How long a one-time password (a new account's, or an administrator's reset) may be used.
    public var oneTimePasswordHours = 72

    public init() {}

    /// A stored policy that predates a setting keeps its other values; the new one takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SecuritySettings.defaults
        totpRequiredForStaff = try c.decodeIfPresent(Bool.self, forKey: .totpRequiredForStaff) ?? d.totpRequiredForStaff
        lockoutThreshold = try c.decodeIfPresent(Int.self, forKey: .lockoutThreshold) ?? d.lockoutThreshold
        lockoutMinutes = try c.decodeIfPresent(Int.self, forKey: .lockoutMinutes) ?? d.lockoutMinutes
        idleTimeoutMinutes = try c.decodeIfPresent(Int.self, forKey: .idleTimeoutMinutes) ?? d.idleTimeoutMinutes
        passwordMinimumLength = try c.decodeIfPresent(Int.self, forKey: .passwordMinimumLength) ?? d.passwordMinimumLength
        passwordMaximumAgeDays = try c.decodeIfPresent(Int.self, forKey: .passwordMaximumAgeDays) ?? d.passwordMaximumAgeDays
        accountReviewUnusedDays = try c.decodeIfPresent(Int.self, forKey: .accountReviewUnusedDays) ?? d.accountReviewUnusedDays
        oneTimePasswordHours = try c.decodeIfPresent(Int.self, forKey: .oneTimePasswordHours) ?? d.oneTimePasswordHours
    }

    static let defaults = SecuritySettings()

    public var passwordPolicy: PasswordPolicy {
        PasswordPolicy(minimumLength: passwordMinimumLength, requiredClasses: 3, maximumAgeDays: passwordMaximumAgeDays)
    }

    static let key = "security"

    /// Reads the policy; a short cache keeps it off the hot path, and a change shows on every node
    /// within the cache period.
    static func load(on db: any Database, cache: SettingsCache? = nil, now: Date = Date()) async throws -> SecuritySettings {
        if let cached = cache?.get(now: now) { return cached }
        let row = try await db.sql.select().column("value").from("system_settings").where("key", .equal, key).first()
        var settings = SecuritySettings()
        if let json = try row?.decode(column: "value", as: String.self),
           let decoded = try? JSONDecoder().decode(SecuritySettings.self, from: Data(json.utf8)) {
            settings = decoded
        }
        cache?.put(settings, now: now)
        return settings
    }

    func validate() throws {
        var errors = ValidationCollector()
        func range(_ value: Int, _ bounds: ClosedRange<Int>, _ field: String) {
            if !bounds.contains(value) {
                errors.add(ValidationError(field: field, code: "setting.range", message: "应在\(bounds.lowerBound)到\(bounds.upperBound)之间"))
            }
        }
        range(lockoutThreshold, 3...10, "连续失败锁定次数")
        range(lockoutMinutes, 5...1440, "锁定时长（分钟）")
        range(idleTimeoutMinutes, 5...120, "空闲超时（分钟）")
        range(passwordMinimumLength, 8...64, "密码最小长度")
        range(passwordMaximumAgeDays, 30...365, "密码有效期（天）")
        range(accountReviewUnusedDays, 30...365, "长期未用账号天数")
        range(oneTimePasswordHours, 1...720, "一次性密码有效期（小时）")
        try errors.check()
    }

    func save(on db: any Database, by actor: Actor, now: Date) async throws {
        try validate()
        let json = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        try await db.sql.delete(from: "system_settings").where("key", .equal, Self.key).run()
        try await db.sql.insert(into: "system_settings")
            .columns("key", "value", "updated_at", "updated_by")
            .values(SQLBind(Self.key), SQLBind(json), SQLBind(now), SQLBind(actor.name))
            .run()
    }
}

extension Application {
    struct SettingsCacheKey: StorageKey { typealias Value = SettingsCache }
    var settingsCache: SettingsCache {
        if let cache = storage[SettingsCacheKey.self] { return cache }
        let cache = SettingsCache()
        storage[SettingsCacheKey.self] = cache
        return cache
    }
}

extension Request {
    func securitySettings() async throws -> SecuritySettings {
        try await SecuritySettings.load(on: db, cache: application.settingsCache, now: now)
    }
}
