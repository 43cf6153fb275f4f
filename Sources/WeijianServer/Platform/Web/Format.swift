import Foundation

/// Display formats in China Standard Time.
enum Format {
    static func dateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
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
