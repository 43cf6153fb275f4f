/// The plain-text form of a checklist the information officer edits without JavaScript: a section
/// is a line `## 标题`; an item is a line `编号 | 检查内容 | 分值 | 依据 | 标记`, where the marks are
/// `※` (key item) and `缺` (may be 合理缺项).
extension Checklist {
    public var text: String {
        sections.map { section in
            (["## " + section.title] + section.items.map { item in
                let marks = (item.key ? "※" : "") + (item.mayBeNotApplicable ? "缺" : "")
                return [item.code, item.text, String(item.score), item.basis, marks].joined(separator: " | ")
            }).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Reads the text form; a malformed line is refused naming its line number and the rule.
    public static func parse(_ text: String) throws -> Checklist {
        var sections: [Section] = []
        var errors: [ValidationError] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = String(raw).trimmed
            let field = "检查表第\(index + 1)行"
            if line.isEmpty { continue }
            if line.hasPrefix("##") {
                sections.append(Section(title: String(line.dropFirst(2)).trimmed, items: []))
                continue
            }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmed }
            guard parts.count == 4 || parts.count == 5 else {
                errors.append(ValidationError(field: field, code: "checklist.line", message: "应为“编号 | 检查内容 | 分值 | 依据 | 标记”，以竖线分隔"))
                continue
            }
            guard !sections.isEmpty else {
                errors.append(ValidationError(field: field, code: "checklist.section", message: "检查项目之前应先写分区标题（以##开头）"))
                continue
            }
            guard let score = Int(parts[2]) else {
                errors.append(ValidationError(field: field, code: "checklist.score", message: "分值应为整数"))
                continue
            }
            let marks = parts.count == 5 ? parts[4] : ""
            sections[sections.count - 1].items.append(Item(code: parts[0], text: parts[1], key: marks.contains("※"), score: score, basis: parts[3],
                                                           mayBeNotApplicable: marks.contains("缺")))
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        let checklist = Checklist(sections: sections)
        try checklist.validate()
        return checklist
    }
}
