import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// The administrator's settings for enforcement documents: the enforcement organ named on every
/// document (执法主体, e.g. 某某市卫生健康委员会), its short name in the 文号 (地区简称) and the
/// number pattern of each document kind.
struct DocumentSettings: StoredSetting, Equatable {
    var organ = "某某市卫生健康委员会"
    var regionAbbreviation = "X"
    var patterns: [String: String] = [:]

    static let key = "documents"

    func pattern(_ kind: DocumentKind) -> NumberFormat {
        // A stored pattern that no longer checks falls back to the kind's default, then to the standard 文号.
        (try? NumberFormat(patterns[kind.rawValue] ?? kind.defaultPattern)) ?? (try? NumberFormat(kind.defaultPattern)) ?? .documentNumber
    }

    /// Checks the form: an organ name, a one-to-four character abbreviation, patterns with {序号} and {年份}.
    static func validated(organ: String?, abbreviation: String?, patterns: [String: String]) throws -> DocumentSettings {
        var errors = ValidationCollector()
        var settings = DocumentSettings()
        settings.organ = errors.text(organ, field: "执法主体名称", max: 60, required: true) ?? settings.organ
        settings.regionAbbreviation = errors.text(abbreviation, field: "地区简称", max: 4, required: true) ?? settings.regionAbbreviation
        for kind in DocumentKind.allCases {
            let field = "\(kind.chinese)文号格式"
            guard let text = errors.text(patterns[kind.rawValue], field: field, max: 60) else { continue }
            do {
                _ = try NumberFormat(text)
                if !text.contains("{年份}") {
                    errors.add(ValidationError(field: field, code: "numberFormat.year", message: "必须包含{年份}占位符：文号按年度编号"))
                }
                settings.patterns[kind.rawValue] = text
            } catch let error as ValidationError {
                errors.add(ValidationError(field: field, code: error.code, message: error.message))
            }
        }
        try errors.check()
        return settings
    }

    func save(by caller: Caller) async throws {
        try await store(by: caller, action: .settingsDocuments,
                        details: ["organ": organ, "abbreviation": regionAbbreviation, "patterns": patterns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "；")])
    }
}
