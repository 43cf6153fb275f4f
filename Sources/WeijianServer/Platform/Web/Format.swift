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
}
