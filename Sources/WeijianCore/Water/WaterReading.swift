import Foundation

/// A laboratory result as written on a water test report.
enum WaterReading: Equatable {
    /// 未检出 / ND.
    case notDetected
    /// 检出 without a figure.
    case detected
    /// "<0.05": below the detection or reporting limit given.
    case below(Double)
    /// ">1600": above the top of the method's range.
    case above(Double)
    case value(Double)

    static let notDetectedWords: Set<String> = ["未检出", "ND", "N.D.", "N.D", "未检测到"]
    static let belowPrefixes = ["<", "≤", "小于"]
    static let abovePrefixes = [">", "≥", "大于"]

    /// Parses a result, full-width characters and spaces tolerated; nil when it is not one of the
    /// forms above or is negative.
    init?(_ text: String) {
        let folded = String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar in
            (0xFF01...0xFF5E).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0xFEE0) : scalar
        })).filter { !$0.isWhitespace }.uppercased()
        if Self.notDetectedWords.contains(folded) { self = .notDetected; return }
        if folded == "检出" { self = .detected; return }
        if let prefix = Self.belowPrefixes.first(where: folded.hasPrefix) {
            guard let number = Self.number(folded.dropFirst(prefix.count)) else { return nil }
            self = .below(number)
        } else if let prefix = Self.abovePrefixes.first(where: folded.hasPrefix) {
            guard let number = Self.number(folded.dropFirst(prefix.count)) else { return nil }
            self = .above(number)
        } else {
            guard let number = Self.number(Substring(folded)) else { return nil }
            self = .value(number)
        }
    }

    static func number(_ text: Substring) -> Double? {
        guard let number = Double(text), number.isFinite, number >= 0 else { return nil }
        return number
    }
}
