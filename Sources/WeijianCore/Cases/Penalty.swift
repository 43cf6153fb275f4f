/// Administrative penalties (行政处罚法 第九条) and the money rules around them. Amounts are in fen.
public enum Penalty {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case warning, criticism, fine, confiscateGains, confiscateProperty, suspendLicence, lowerQualification
        case revokeLicence, restrictActivities, suspendBusiness, closeDown, restrictPractice

        public var chinese: String {
            switch self {
            case .warning: "警告"
            case .criticism: "通报批评"
            case .fine: "罚款"
            case .confiscateGains: "没收违法所得"
            case .confiscateProperty: "没收非法财物"
            case .suspendLicence: "暂扣许可证件"
            case .lowerQualification: "降低资质等级"
            case .revokeLicence: "吊销许可证件"
            case .restrictActivities: "限制开展生产经营活动"
            case .suspendBusiness: "责令停产停业"
            case .closeDown: "责令关闭"
            case .restrictPractice: "限制从业"
            }
        }

        /// Whether the kind is an amount of money the party pays.
        public var isMonetary: Bool { self == .fine || self == .confiscateGains }
    }

    /// Why no penalty is given (行政处罚法 第三十三条、第三十六条).
    public enum NoPenaltyGround: String, Sendable, Codable, CaseIterable {
        case firstMinorCorrected, noFault, limitationPassed, minorCorrected

        public var chinese: String {
            switch self {
            case .firstMinorCorrected: "初次违法且危害后果轻微并及时改正（第三十三条第一款）"
            case .minorCorrected: "违法行为轻微并及时改正，没有造成危害后果（第三十三条第一款）"
            case .noFault: "当事人有证据足以证明没有主观过错（第三十三条第二款）"
            case .limitationPassed: "违法行为在追责时效内未被发现（第三十六条）"
            }
        }
    }

    /// The party's kind, for the simple procedure's limits.
    public enum PartyKind: String, Sendable, Codable, CaseIterable {
        case organisation, person

        public var chinese: String { self == .organisation ? "法人或其他组织" : "公民" }
    }

    /// 当场处罚 (行政处罚法 第五十一条): a fine up to ¥200 for a person, ¥3,000 for an organisation.
    public static func simpleProcedureLimit(_ party: PartyKind) -> Int { party == .person ? 200_00 : 3_000_00 }

    /// Checks a simple-procedure fine against its limit.
    public static func checkSimpleProcedure(fineFen: Int, party: PartyKind, field: String = "罚款金额") throws {
        let limit = simpleProcedureLimit(party)
        guard fineFen <= limit else {
            throw ValidationError(field: field, code: "simple.limit",
                                  message: "适用简易程序当场处罚，对\(party.chinese)的罚款不能超过\(yuan(limit))（行政处罚法第五十一条），应按一般程序办理")
        }
    }

    /// 加处罚款 (行政处罚法 第七十二条): 3 % of the fine for each day after the due date, never more
    /// than the fine itself.
    public static func surcharge(fineFen: Int, due: LocalDate, on date: LocalDate) -> Int {
        let late = max(0, due.days(until: date))
        return min(fineFen, fineFen * 3 * late / 100)
    }

    /// What is still owed on `date` of a fine due on `due`, with payments made so far: the
    /// surcharge runs at 3 % a day on the part of the fine still unpaid that day (a payment stops it
    /// from its own day), never more than the fine in total; payments go to the fine first.
    public static func owed(fineFen: Int, due: LocalDate?, payments: [(date: LocalDate, fen: Int)], on date: LocalDate) -> (fine: Int, surcharge: Int, outstanding: Int) {
        let sorted = payments.filter { $0.date <= date }.sorted { $0.date < $1.date }
        let paid = sorted.reduce(0) { $0 + $1.fen }
        var surcharge = 0
        if let due, date > due {
            var principal = fineFen - sorted.filter { $0.date <= due }.reduce(0) { $0 + $1.fen }
            // The surcharge accrues for each day after `from` on the principal then unpaid.
            var from = due
            for payment in sorted where payment.date > due {
                surcharge += max(0, principal) * 3 * max(0, from.days(until: payment.date) - 1) / 100
                principal -= payment.fen
                from = payment.date.adding(days: -1)
            }
            surcharge += max(0, principal) * 3 * max(0, from.days(until: date)) / 100
        }
        surcharge = min(fineFen, surcharge)
        return (fineFen, surcharge, max(0, fineFen + surcharge - paid))
    }

    /// `¥1,234.50` style: 1,234.50元.
    public static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let value = abs(fen)
        var whole = String(value / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let cents = value % 100
        return sign + whole + grouped + (cents == 0 ? "" : "." + (cents < 10 ? "0" : "") + String(cents)) + "元"
    }

    /// Reads an amount in yuan as typed (`1500`, `1,500.5`) into fen; nil when not an amount.
    public static func fen(fromYuan text: String) -> Int? {
        let cleaned = text.trimmed.filter { $0 != "," && $0 != "，" }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0, whole < 100_000_000_000 else { return nil }
        var cents = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let value = Int(parts[1]) else { return nil }
            cents = parts[1].count == 1 ? value * 10 : value
        }
        return whole * 100 + cents
    }
}
