import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Settings of the installation the system administrator keeps (制度 九): the address staff and
/// units reach the system at, printed on the units' credential letters (issue 11: the letter said
/// 127.0.0.1, the address the clerk happened to use).
struct SiteSettings: StoredSetting, Equatable {
    /// e.g. `https://wsjd.example.gov.cn`; nil until the administrator sets it.
    var publicURL: String?
    /// The institute's jurisdiction (辖区) as a GB/T 2260 code, e.g. `350100` for 福州市: forms offer
    /// its divisions first-hand (the 行政区划 lists); nil offers the whole table.
    var jurisdiction: String?

    static let key = "site"

    /// Checks and normalises: an http(s) address without path, query or trailing slash; a
    /// jurisdiction that is in the division table.
    static func validated(publicURL rawURL: String?, jurisdiction rawJurisdiction: String?, tables: CodeTables) throws -> SiteSettings {
        var errors = ValidationCollector()
        var settings = SiteSettings()
        if let text = errors.text(rawURL, field: "系统访问地址", max: 200) {
            let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
            if let url = URL(string: trimmed), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host, !host.isEmpty,
               url.path.isEmpty, url.query == nil {
                settings.publicURL = trimmed
            } else {
                errors.add(ValidationError(field: "系统访问地址", code: "url", message: "应为以 https:// 或 http:// 开头的网址，不带路径，如 https://wsjd.example.gov.cn"))
            }
        }
        if let code = errors.text(rawJurisdiction, field: "本所辖区", max: 6) {
            errors.run { settings.jurisdiction = try tables.division(code, field: "本所辖区").value }
        }
        try errors.check()
        return settings
    }

    func save(by caller: Caller) async throws {
        let before = try await SiteSettings.load(on: caller.db)
        try await store(by: caller, action: .settingsSite,
                        details: ["publicURL": "\(before.publicURL ?? "（未设置）") → \(publicURL ?? "（未设置）")",
                                  "jurisdiction": "\(before.jurisdiction ?? "（未设置）") → \(jurisdiction ?? "（未设置）")"])
    }
}
