import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeijianCore
@testable import WeijianServer

/// A fresh application per test: a temporary SQLite file, or a fresh PostgreSQL schema when
/// `WEIJIAN_TEST_POSTGRES_URL` is set; migrations applied; scheduler off; fast password hashing.
func withTestApp(_ body: (Application) async throws -> Void) async throws {
    // Swift Testing starts every test at once; on PostgreSQL each app holds a pool of connections,
    // so only a few apps run together (the server allows 100 connections).
    let postgresURL = ProcessInfo.processInfo.environment["WEIJIAN_TEST_POSTGRES_URL"]
    if postgresURL != nil { await TestAppSlots.shared.acquire() }
    defer { if postgresURL != nil { Task { await TestAppSlots.shared.release() } } }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("weijian-test-\(UUID().uuidString)").path
    var settings = Settings(dataDirectory: root, passwordHashCost: 4, runScheduler: false)
    let postgres = ProcessInfo.processInfo.environment["WEIJIAN_TEST_POSTGRES_URL"]
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    settings.databaseURL = postgres
    let app = try await Application.make(.testing)
    app.logger.logLevel = .error
    do {
        try await configure(app, settings: settings, postgresSchema: postgres == nil ? nil : schema)
        if postgres != nil { try await app.db.sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
        try await Migrations.run(on: app)
        try await body(app)
    } catch {
        if postgres != nil { try? await app.db.sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: root)
        throw error
    }
    if postgres != nil { try? await app.db.sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: root)
}

var testingPostgres: Bool { ProcessInfo.processInfo.environment["WEIJIAN_TEST_POSTGRES_URL"] != nil }

/// A signed-in browser: session cookie and CSRF token.
struct Browser {
    let cookie: String
    let csrf: String
    let userID: UUID

    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "\(WeijianServer.Sessions.cookieName)=\(cookie)")
        return headers
    }
}

extension Application {
    /// Creates a staff user with a known password (no forced change) and the given roles.
    @discardableResult
    func makeUser(_ username: String, name: String = "测试用户", roles: Set<Role> = [], department: UUID? = nil,
                  password: String = "Correct#Horse9", totp: Bool = false) async throws -> User {
        let user = User(username: username, displayName: name, kind: roles.contains(.entityUser) ? .portal : .staff, departmentID: department,
                        passwordHash: try Bcrypt.hash(password, cost: 4), now: clock.now())
        user.mustChangePassword = false
        if totp {
            user.totpSecretCipher = try keyStore.fieldCrypto.encrypt(Base32.encode(Array("12345678901234567890".utf8)), context: User.totpSecretContext)
            user.totpEnabled = true
        }
        try await user.create(on: db)
        for role in roles { try await RoleGrant(userID: try user.requireID(), role: role, grantedBy: "test", at: clock.now()).create(on: db) }
        return user
    }

    func makeDepartment(_ code: String, _ name: String) async throws -> Department {
        let department = Department(code: code, name: name, isBusiness: true, now: clock.now())
        try await department.create(on: db)
        return department
    }

    /// A fully signed-in session, as if the user had passed every sign-in step.
    func signIn(_ user: User) async throws -> Browser {
        let token = WeijianServer.Sessions.randomToken()
        let session = UserSession()
        session.tokenHash = WeijianServer.Sessions.hash(token)
        session.$user.id = try user.requireID()
        session.stage = .active
        session.csrfToken = WeijianServer.Sessions.randomToken(bytes: 24)
        session.secondFactorDone = true
        session.ip = "127.0.0.1"
        session.createdAt = clock.now()
        session.lastSeenAt = clock.now()
        try await session.create(on: db)
        return Browser(cookie: token, csrf: session.csrfToken, userID: try user.requireID())
    }

    /// Turns the policy's TOTP requirement off (tests that are not about the second factor).
    func relaxSecondFactor() async throws {
        var settings = SecuritySettings()
        settings.totpRequiredForStaff = false
        try await settings.save(on: db, by: .system, now: clock.now())
        settingsCache.clear()
    }

    func auditActions() async throws -> [String] {
        try await db.sql.select().column("action").from("audit_events").orderBy("seq").all().map { try $0.decode(column: "action", as: String.self) }
    }
}

/// Reads `name` from a Set-Cookie header.
func cookieValue(_ response: TestingHTTPResponse, _ name: String) -> String? {
    for header in response.headers[.setCookie] {
        let first = header.split(separator: ";").first.map(String.init) ?? ""
        if first.hasPrefix(name + "=") { return String(first.dropFirst(name.count + 1)) }
    }
    return nil
}

/// The value of a hidden `_csrf` input in a page.
func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
    let rest = html[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

func form(_ fields: [String: String]) -> ByteBuffer {
    var components = URLComponents()
    components.queryItems = fields.map { URLQueryItem(name: $0.key, value: $0.value) }
    let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    return ByteBuffer(string: encoded)
}

extension HTTPHeaders {
    static func formHeaders(cookie: String?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        if let cookie { headers.add(name: .cookie, value: "\(WeijianServer.Sessions.cookieName)=\(cookie)") }
        return headers
    }
}

/// A counting semaphore for test applications on PostgreSQL.
actor TestAppSlots {
    static let shared = TestAppSlots(slots: 6)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
