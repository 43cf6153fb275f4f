import Foundation
import WeijianCore

/// Display formats in China Standard Time.
enum Format {
    /// "2026-11-28 21:47" in China Standard Time (UTC+8 all year). Computed, not formatted: a
    /// DateFormatter per call opened an ICU formatter each time and was a sixth of a unit search.
    static func dateTime(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let ofDay = seconds - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(LocalDate(daysSinceEpoch: days)) \(two(ofDay / 3600)):\(two(ofDay % 3600 / 60))"
    }

    static func dateTime(millis: Int64) -> String { dateTime(Date(millis: millis)) }

    /// 0.3 → "0.3", 100.0 → "100".
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// 512 → "512 字节", 1536 → "1.5 KB", 8388608 → "8 MB".
    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) 字节" }
        let kilobytes = Double(count) / 1024
        if kilobytes < 1024 { return number((kilobytes * 10).rounded() / 10) + " KB" }
        return number((kilobytes / 1024 * 10).rounded() / 10) + " MB"
    }
}
