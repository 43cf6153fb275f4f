import Foundation
import WeijianCore

/// Start-up configuration from environment variables. Every variable has a documented default
/// (README "配置"); a bad value stops start-up with a Chinese message naming the variable.
public struct Settings: Sendable {
    public var dataDirectory: String
    public var keysDirectory: String
    /// Where attachments are kept (a shared folder when several nodes run).
    public var attachmentsDirectory: String
    public var databaseURL: String?
    public var host: String
    public var port: Int
    public var organisationName: String
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var resourcesDirectory: String?
    public var passwordHashCost: Int
    public var runScheduler: Bool
    public var behindProxy = false

    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("weijian.sqlite") }
    public var usesTLS: Bool { tlsCertificatePath != nil }

    public init(dataDirectory: String = "./data", keysDirectory: String? = nil, databaseURL: String? = nil,
                host: String = "127.0.0.1", port: Int = 8080, organisationName: String = "卫生监督所",
                tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil, resourcesDirectory: String? = nil,
                passwordHashCost: Int = 12, runScheduler: Bool = true) {
        self.dataDirectory = dataDirectory
        self.keysDirectory = keysDirectory ?? (dataDirectory as NSString).appendingPathComponent("keys")
        self.attachmentsDirectory = (dataDirectory as NSString).appendingPathComponent("attachments")
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.organisationName = organisationName
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.resourcesDirectory = resourcesDirectory
        self.passwordHashCost = passwordHashCost
        self.runScheduler = runScheduler
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let message: String
        public var description: String { "配置错误：环境变量 \(variable) \(message)" }
    }

    /// Reads and checks the environment.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        func value(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        var settings = Settings(dataDirectory: value("WEIJIAN_DATA_DIR") ?? "./data")
        if let keys = value("WEIJIAN_KEYS_DIR") { settings.keysDirectory = keys }
        if let attachments = value("WEIJIAN_ATTACHMENTS_DIR") { settings.attachmentsDirectory = attachments }
        if let url = value("DATABASE_URL") {
            guard let parsed = URL(string: url), ["postgres", "postgresql"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw Invalid(variable: "DATABASE_URL", message: "应为 postgres://用户:密码@主机:端口/数据库 形式")
            }
            settings.databaseURL = url
        }
        if let host = value("WEIJIAN_HOST") { settings.host = host }
        if let port = value("WEIJIAN_PORT") {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw Invalid(variable: "WEIJIAN_PORT", message: "应为1–65535之间的整数，实际为“\(port)”")
            }
            settings.port = number
        }
        if let name = value("WEIJIAN_ORG_NAME") { settings.organisationName = name }
        settings.tlsCertificatePath = value("WEIJIAN_TLS_CERT")
        settings.tlsKeyPath = value("WEIJIAN_TLS_KEY")
        if (settings.tlsCertificatePath == nil) != (settings.tlsKeyPath == nil) {
            throw Invalid(variable: settings.tlsCertificatePath == nil ? "WEIJIAN_TLS_CERT" : "WEIJIAN_TLS_KEY",
                          message: "须与 \(settings.tlsCertificatePath == nil ? "WEIJIAN_TLS_KEY" : "WEIJIAN_TLS_CERT") 同时设置")
        }
        for path in [settings.tlsCertificatePath, settings.tlsKeyPath].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw Invalid(variable: path == settings.tlsCertificatePath ? "WEIJIAN_TLS_CERT" : "WEIJIAN_TLS_KEY", message: "指向的文件不存在或不可读：\(path)")
        }
        if !settings.usesTLS, !["127.0.0.1", "localhost", "::1"].contains(settings.host), value("WEIJIAN_BEHIND_PROXY") != "1" {
            throw Invalid(variable: "WEIJIAN_HOST", message: "非回环地址只能在配置证书（WEIJIAN_TLS_CERT/WEIJIAN_TLS_KEY）或声明位于反向代理之后（WEIJIAN_BEHIND_PROXY=1）时使用")
        }
        settings.behindProxy = value("WEIJIAN_BEHIND_PROXY") == "1"
        settings.resourcesDirectory = value("WEIJIAN_RESOURCES_DIR")
        if let cost = value("WEIJIAN_PASSWORD_COST") {
            guard let number = Int(cost), (4...16).contains(number) else {
                throw Invalid(variable: "WEIJIAN_PASSWORD_COST", message: "应为4–16之间的整数")
            }
            settings.passwordHashCost = number
        }
        if let scheduler = value("WEIJIAN_SCHEDULER") {
            guard ["on", "off"].contains(scheduler) else { throw Invalid(variable: "WEIJIAN_SCHEDULER", message: "应为 on 或 off") }
            settings.runScheduler = scheduler == "on"
        }
        return settings
    }
}
