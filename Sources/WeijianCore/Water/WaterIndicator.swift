/// One drinking-water indicator and its limit, as the administrator keeps them (seeded from
/// `GB5749.defaultTable`).
public struct WaterIndicator: Sendable, Equatable, Identifiable {
    /// A stable ASCII code ("turbidity") for storage and the API.
    public let code: String
    /// The name in the standard ("浑浊度").
    public let name: String
    /// The unit results are reported in; empty for pH.
    public let unit: String
    public let kind: WaterLimitKind
    /// The lower bound, set for `minimum` and `range`.
    public let low: Double?
    /// The upper bound, set for `maximum` and `range`.
    public let high: Double?

    public var id: String { code }

    /// An indicator whose bounds fit its kind.
    /// - Throws: `ValidationError` (`water.limit`) when a bound is missing, negative, not needed
    ///   by the kind, or a range's low bound is above its high bound.
    public init(code: String, name: String, unit: String, kind: WaterLimitKind, low: Double?, high: Double?) throws {
        let needsLow = kind == .minimum || kind == .range
        let needsHigh = kind == .maximum || kind == .range
        let bounds = [low, high].compactMap { $0 }
        guard (low != nil) == needsLow, (high != nil) == needsHigh, bounds.allSatisfy({ $0.isFinite && $0 >= 0 }),
              (low ?? 0) <= (high ?? .infinity) else {
            throw ValidationError(field: name, code: "water.limit",
                                  message: "限值不完整或不合理：上限用于“不超过”，下限用于“不低于”，范围需下限不大于上限")
        }
        self.init(unchecked: code, name: name, unit: unit, kind: kind, low: low, high: high)
    }

    /// For the seeded table, whose bounds are written to fit their kinds.
    init(unchecked code: String, name: String, unit: String, kind: WaterLimitKind, low: Double?, high: Double?) {
        self.code = code
        self.name = name
        self.unit = unit
        self.kind = kind
        self.low = low
        self.high = high
    }

    /// Judges a result as written on a test report: a number ("1.6"), "未检出" or "ND", "<0.05"
    /// (below the detection limit), ">1600", or "检出".
    /// - Throws: `ValidationError` (`water.value`) for anything else, including negative numbers.
    public func evaluate(value: String) throws -> WaterEvaluation {
        guard let reading = WaterReading(value) else {
            throw ValidationError(field: name, code: "water.value",
                                  message: "无法识别的检测结果“\(value)”：请填写数值、“未检出”或“<检出限”")
        }
        return evaluate(reading)
    }

    func evaluate(_ reading: WaterReading) -> WaterEvaluation {
        switch kind {
        case .maximum: return judgeMaximum(reading, high ?? 0)
        case .minimum: return judgeMinimum(reading, low ?? 0)
        case .range: return judgeRange(reading, low ?? 0, high ?? 0)
        case .notDetectable: return judgeNotDetectable(reading)
        }
    }

    private func judgeMaximum(_ reading: WaterReading, _ high: Double) -> WaterEvaluation {
        let within = result(.within, reading, "未超过限值 \(amount(high))")
        let over = result(.overLimit, reading, "超过限值 \(amount(high))")
        switch reading {
        case .notDetected: return within
        case .value(let value): return value > high ? over : within
        case .below(let limit) where limit <= high: return within
        case .above(let limit) where limit >= high: return over
        case .below, .above, .detected: return undecided(reading, "无法与限值 \(amount(high)) 比较")
        }
    }

    private func judgeMinimum(_ reading: WaterReading, _ low: Double) -> WaterEvaluation {
        let within = result(.within, reading, "不低于限值 \(amount(low))")
        let under = result(.underLimit, reading, "低于限值 \(amount(low))")
        switch reading {
        case .notDetected: return under
        case .value(let value): return value < low ? under : within
        case .below(let limit) where limit <= low: return under
        case .above(let limit) where limit >= low: return within
        case .below, .above, .detected: return undecided(reading, "无法与限值 \(amount(low)) 比较")
        }
    }

    private func judgeRange(_ reading: WaterReading, _ low: Double, _ high: Double) -> WaterEvaluation {
        let under = result(.underLimit, reading, "低于下限 \(amount(low))")
        let over = result(.overLimit, reading, "高于上限 \(amount(high))")
        switch reading {
        case .notDetected: return under
        case .value(let value) where value < low: return under
        case .value(let value) where value > high: return over
        case .value: return result(.within, reading, "在限值范围 \(low.plainText)–\(amount(high)) 内")
        case .below(let limit) where limit <= low: return under
        case .above(let limit) where limit >= high: return over
        case .below, .above, .detected:
            return undecided(reading, "无法与限值范围 \(low.plainText)–\(amount(high)) 比较")
        }
    }

    private func judgeNotDetectable(_ reading: WaterReading) -> WaterEvaluation {
        switch reading {
        case .notDetected, .below, .value(0):
            return WaterEvaluation(verdict: .within, explanation: "\(name) 未检出，符合“不得检出”")
        case .detected, .above, .value:
            return WaterEvaluation(verdict: .overLimit, explanation: "\(name) 检出（\(describe(reading))），标准要求不得检出")
        }
    }

    private func result(_ verdict: WaterVerdict, _ reading: WaterReading, _ judgement: String) -> WaterEvaluation {
        WaterEvaluation(verdict: verdict, explanation: "\(name) \(describe(reading)) \(judgement)")
    }

    private func undecided(_ reading: WaterReading, _ reason: String) -> WaterEvaluation {
        result(.indeterminate, reading, reason)
    }

    /// The result as the report shows it, with the unit.
    private func describe(_ reading: WaterReading) -> String {
        switch reading {
        case .notDetected: "未检出"
        case .detected: "检出"
        case .below(let limit): "<" + amount(limit)
        case .above(let limit): ">" + amount(limit)
        case .value(let value): amount(value)
        }
    }

    private func amount(_ number: Double) -> String {
        unit.isEmpty ? number.plainText : "\(number.plainText) \(unit)"
    }
}
