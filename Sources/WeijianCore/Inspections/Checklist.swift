/// A checklist (检查表): what an inspector checks at a unit of one category, in sections, each item
/// with its score, whether it is a key item (※, failing it means no grade), its legal basis and
/// whether it may be 合理缺项 (not applicable to this unit, e.g. no pool at a hotel).
///
/// A checklist is stored as versions: an inspection keeps the version it used, and editing makes a
/// new version, so an old record always reads against the items it was scored on.
public struct Checklist: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        /// Stable within a version, e.g. `3.2`.
        public var code: String
        public var text: String
        public var key: Bool
        public var score: Int
        public var basis: String
        public var mayBeNotApplicable: Bool

        public init(code: String, text: String, key: Bool = false, score: Int, basis: String, mayBeNotApplicable: Bool = false) {
            self.code = code
            self.text = text
            self.key = key
            self.score = score
            self.basis = basis
            self.mayBeNotApplicable = mayBeNotApplicable
        }
    }

    public struct Section: Codable, Sendable, Equatable {
        public var title: String
        public var items: [Item]

        public init(title: String, items: [Item]) {
            self.title = title
            self.items = items
        }
    }

    public var sections: [Section]

    public init(sections: [Section]) { self.sections = sections }

    public var items: [Item] { sections.flatMap(\.items) }

    public func item(_ code: String) -> Item? { items.first { $0.code == code } }

    /// Checks an edited checklist: items, unique codes, scores from 1 to 100, text and basis present.
    public func validate() throws {
        var errors: [ValidationError] = []
        if sections.isEmpty || items.isEmpty {
            errors.append(ValidationError(field: "检查项目", code: "checklist.empty", message: "检查表至少要有一个分区和一个检查项目"))
        }
        var seen: Set<String> = []
        for (index, section) in sections.enumerated() where section.title.trimmed.isEmpty {
            errors.append(ValidationError(field: "分区\(index + 1)", code: "checklist.section", message: "分区名称不能为空"))
        }
        for item in items {
            let field = "检查项目\(item.code)"
            if item.code.trimmed.isEmpty || !seen.insert(item.code).inserted {
                errors.append(ValidationError(field: field, code: "checklist.code", message: "项目编号不能为空，也不能重复"))
            }
            if item.text.trimmed.isEmpty { errors.append(ValidationError(field: field, code: "checklist.text", message: "检查内容不能为空")) }
            if !(1...100).contains(item.score) { errors.append(ValidationError(field: field, code: "checklist.score", message: "分值应在1到100之间")) }
            if item.basis.trimmed.isEmpty { errors.append(ValidationError(field: field, code: "checklist.basis", message: "请填写检查依据")) }
            if item.key && item.mayBeNotApplicable {
                errors.append(ValidationError(field: field, code: "checklist.keyNotApplicable", message: "关键项（※）不能设为合理缺项"))
            }
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}

/// An item's result in an inspection.
public enum ItemResult: String, Codable, Sendable, CaseIterable {
    case conform
    case nonconform
    case notApplicable

    public var chinese: String {
        switch self {
        case .conform: "符合"
        case .nonconform: "不符合"
        case .notApplicable: "合理缺项"
        }
    }
}
