/// Formats of issued numbers, such as the 文号 `X卫医罚〔2026〕12号`.
///
/// A template holds placeholders: `{地区}`, `{类别}`, `{性质}`, `{年份}`, `{序号}` and `{序号:N}` for a
/// zero-padded sequence of N digits.
public struct NumberFormat: Sendable, Equatable, Codable {
    public let template: String

    public init(_ template: String) throws {
        guard template.contains("{序号") else {
            throw ValidationError(field: "编号格式", code: "numberFormat.sequence", message: "必须包含{序号}占位符")
        }
        self.template = template
    }

    init(trusted template: String) { self.template = template }

    /// A stored template is checked like a typed one.
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(template)
    }

    /// `{地区}卫{类别}{性质}〔{年份}〕{序号}号` — the standard document number.
    public static let documentNumber = NumberFormat(trusted: "{地区}卫{类别}{性质}〔{年份}〕{序号}号")

    public func render(sequence: Int, year: Int, values: [String: String] = [:]) -> String {
        var text = template.replacingOccurrences(of: "{年份}", with: String(year))
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        if let start = text.range(of: "{序号:"), let end = text[start.upperBound...].firstIndex(of: "}"),
           let width = Int(text[start.upperBound..<end]) {
            let digits = String(sequence)
            let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
            text.replaceSubrange(start.lowerBound...end, with: padded)
        }
        return text.replacingOccurrences(of: "{序号}", with: String(sequence))
    }
}
