/// The state of a health licence or a filing.
public enum LicenseStatus: String, Sendable, Codable, CaseIterable {
    case valid, cancelled, withdrawn, revoked

    public var chinese: String {
        switch self {
        case .valid: "有效"
        case .cancelled: "已注销"
        case .withdrawn: "已撤回"
        case .revoked: "已撤销"
        }
    }
}

/// What can happen to a licence (DOMAIN.md "Time limits": issue, change, renew, reissue, cancel,
/// withdraw, revoke). 吊销 is a penalty decision and comes with the cases feature.
public enum LicenseEvent: String, Sendable, Codable, CaseIterable {
    case issue, change, renew, reissue, cancel, withdraw, revoke

    public var chinese: String {
        switch self {
        case .issue: "发证"
        case .change: "变更"
        case .renew: "延续"
        case .reissue: "补办"
        case .cancel: "注销"
        case .withdraw: "撤回"
        case .revoke: "撤销"
        }
    }

    /// The status the licence has after the event.
    public var resultingStatus: LicenseStatus {
        switch self {
        case .issue, .change, .renew, .reissue: .valid
        case .cancel: .cancelled
        case .withdraw: .withdrawn
        case .revoke: .revoked
        }
    }

    /// Ending a licence must say why (行政许可法 第八条、第六十九条、第七十条).
    public var needsReason: Bool { [.cancel, .withdraw, .revoke].contains(self) }

    /// Events that apply to an existing licence in a given status; a terminal licence takes none.
    public static func allowed(from status: LicenseStatus) -> [LicenseEvent] {
        status == .valid ? [.change, .renew, .reissue, .cancel, .withdraw, .revoke] : []
    }
}

/// Validity and reminder dates of a licence.
public enum LicenseTerms {
    /// The last valid day: the same calendar day `years` later, minus one day (2026-03-01 + 4 years
    /// → 2030-02-28). 29 February falls back to 28 February in a common year.
    public static func validUntil(from start: LocalDate, years: Int) -> LocalDate {
        let year = start.year + years
        let day = min(start.day, LocalDate.daysIn(month: start.month, year: year))
        return LocalDate(year: year, month: start.month, day: day)!.adding(days: -1)
    }

    /// The next review (复核) date on or after `today`: every `years` from the start, before expiry.
    public static func nextReview(from start: LocalDate, every years: Int, until end: LocalDate?, today: LocalDate) -> LocalDate? {
        var step = 1
        while true {
            let candidate = validUntil(from: start, years: years * step).adding(days: 1)
            if let end, candidate >= end { return nil }
            if candidate >= today { return candidate }
            step += 1
            if step > 50 { return nil }
        }
    }

    /// Renewal must be applied for at least `leadDays` before expiry (行政许可法 第五十条: 30 days).
    public static func renewalDue(validUntil: LocalDate, leadDays: Int) -> LocalDate { validUntil.adding(days: -leadDays) }

    /// Days before a date at which reminders go out.
    public static let reminderDays = [60, 30, 7]

    /// The reminder threshold reached on `today` for a date, if any: the smallest threshold not
    /// below the days left. Past dates return 0 (overdue).
    public static func reminderThreshold(for date: LocalDate, today: LocalDate) -> Int? {
        let left = today.days(until: date)
        if left < 0 { return 0 }
        return reminderDays.sorted().first { left <= $0 }
    }
}
