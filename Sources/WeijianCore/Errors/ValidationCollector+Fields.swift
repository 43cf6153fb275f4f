/// The field checks every form shares: each returns the checked value (nil when empty or bad)
/// and records an error that names the field and the rule, so a form shows every problem at once.
extension ValidationCollector {
    /// Trimmed text; empty is nil (an error when `required`); longer than `max` characters is an error.
    public mutating func text(_ raw: String?, field: String, max: Int, required: Bool = false) -> String? {
        let value = raw?.trimmed ?? ""
        if value.isEmpty {
            if required { add(ValidationError(field: field, code: "required", message: "必填，不能为空")) }
            return nil
        }
        if value.count > max {
            add(ValidationError(field: field, code: "length", message: "不能超过\(max)个字符（现有\(value.count)个）"))
            return nil
        }
        return value
    }

    /// A calendar date written YYYY-MM-DD, optionally within bounds.
    public mutating func date(_ raw: String?, field: String, required: Bool = false, notAfter latest: LocalDate? = nil,
                              notBefore earliest: LocalDate? = nil) -> LocalDate? {
        guard let text = text(raw, field: field, max: 10, required: required) else { return nil }
        guard let date = LocalDate(text) else {
            add(ValidationError(field: field, code: "date.format", message: "应为有效日期，格式YYYY-MM-DD"))
            return nil
        }
        if let latest, date > latest {
            add(ValidationError(field: field, code: "date.future", message: "不能晚于\(latest.description)"))
            return nil
        }
        if let earliest, date < earliest {
            add(ValidationError(field: field, code: "date.order", message: "不能早于\(earliest.description)"))
            return nil
        }
        return date
    }

    /// A whole number in `range`.
    public mutating func integer(_ raw: String?, field: String, range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let text = text(raw, field: field, max: 12, required: required) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            add(ValidationError(field: field, code: "integer", message: "应为\(range.lowerBound)到\(range.upperBound)之间的整数"))
            return nil
        }
        return number
    }

    /// A decimal number in `range`.
    public mutating func decimal(_ raw: String?, field: String, range: ClosedRange<Double>, required: Bool = false) -> Double? {
        guard let text = text(raw, field: field, max: 20, required: required) else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            add(ValidationError(field: field, code: "decimal", message: "应为\(range.lowerBound.plainText)到\(range.upperBound.plainText)之间的数字"))
            return nil
        }
        return number
    }

    /// One of `choices` (by value or label).
    public mutating func choice<T>(_ raw: String?, field: String, _ choices: [(value: String, label: String, result: T)], required: Bool = false) -> T? {
        guard let text = text(raw, field: field, max: 100, required: required) else { return nil }
        guard let found = choices.first(where: { $0.value == text || $0.label == text }) else {
            add(ValidationError(field: field, code: "choice", message: "应为\(choices.map(\.label).joined(separator: "、"))之一"))
            return nil
        }
        return found.result
    }
}
