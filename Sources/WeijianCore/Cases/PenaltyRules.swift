/// 违法行为 → 违反条款 → 处罚依据 → 裁量基准: the table that keeps a proposed penalty within the law
/// and the institute's discretion standard. The shipped rules (public places, drinking water) are
/// defaults the legal department edits; a fine above the legal maximum is always refused, one
/// outside the chosen band needs a recorded reason.
public struct PenaltyRule: Sendable, Codable, Equatable {
    /// A discretion band (裁量档次): 轻微, 一般, 严重 …, with its fine range in fen.
    public struct Band: Sendable, Codable, Equatable {
        public let name: String
        public let circumstances: String
        public let minFen: Int
        public let maxFen: Int

        public init(name: String, circumstances: String, minFen: Int, maxFen: Int) {
            self.name = name
            self.circumstances = circumstances
            self.minFen = minFen
            self.maxFen = maxFen
        }
    }

    public let code: String
    /// The supervision category (top level or kind) the rule is for: GG 公共场所, YS 生活饮用水.
    public let category: String
    public let violation: String
    public let violatedProvision: String
    public let penaltyBasis: String
    /// The penalties the basis allows besides the fine (警告 …).
    public let kinds: [Penalty.Kind]
    /// The fine the basis allows, in fen (0…0 when it allows none).
    public let legalMinFen: Int
    public let legalMaxFen: Int
    public let bands: [Band]

    public init(code: String, category: String, violation: String, violatedProvision: String, penaltyBasis: String, kinds: [Penalty.Kind],
                legalMinFen: Int, legalMaxFen: Int, bands: [Band]) {
        self.code = code
        self.category = category
        self.violation = violation
        self.violatedProvision = violatedProvision
        self.penaltyBasis = penaltyBasis
        self.kinds = kinds
        self.legalMinFen = legalMinFen
        self.legalMaxFen = legalMaxFen
        self.bands = bands
    }

    /// Checks a proposed fine: above the legal maximum or below the legal minimum is refused; outside
    /// the chosen band it needs a reason. Returns the errors (empty when the fine stands).
    public func check(fineFen: Int, band name: String?, reason: String) -> [ValidationError] {
        var errors: [ValidationError] = []
        if fineFen > legalMaxFen {
            errors.append(ValidationError(field: "罚款金额", code: "fine.legalMax",
                                          message: "\(Penalty.yuan(fineFen))超过\(penaltyBasis)规定的上限\(Penalty.yuan(legalMaxFen))"))
            return errors
        }
        if fineFen > 0 && fineFen < legalMinFen {
            errors.append(ValidationError(field: "罚款金额", code: "fine.legalMin",
                                          message: "\(Penalty.yuan(fineFen))低于\(penaltyBasis)规定的下限\(Penalty.yuan(legalMinFen))（减轻处罚须说明法定情节并经集体讨论）"))
            if reason.trimmed.isEmpty { return errors }
            errors.removeAll()
        }
        guard let name, !name.isEmpty else {
            errors.append(ValidationError(field: "裁量档次", code: "required", message: "请选择裁量档次（" + bands.map(\.name).joined(separator: "、") + "）"))
            return errors
        }
        guard let band = bands.first(where: { $0.name == name }) else {
            errors.append(ValidationError(field: "裁量档次", code: "choice", message: "应为：" + bands.map(\.name).joined(separator: "、")))
            return errors
        }
        if (fineFen < band.minFen || fineFen > band.maxFen) && reason.trimmed.isEmpty {
            errors.append(ValidationError(field: "裁量理由", code: "fine.outsideBand",
                                          message: "\(Penalty.yuan(fineFen))不在“\(band.name)”档次\(Penalty.yuan(band.minFen))至\(Penalty.yuan(band.maxFen))之内，须写明理由"))
        }
        return errors
    }
}

extension PenaltyRule {
    static func bands(_ values: [(String, String, Int, Int)]) -> [Band] {
        values.map { Band(name: $0.0, circumstances: $0.1, minFen: $0.2 * 100, maxFen: $0.3 * 100) }
    }

    /// Editable defaults for public places (公共场所卫生管理条例实施细则) and drinking water
    /// (生活饮用水卫生监督管理办法). The bands are the institute's discretion standard, to be set by
    /// the legal department.
    public static let defaults: [PenaltyRule] = [
        PenaltyRule(code: "GG-35", category: "GG", violation: "未依法取得公共场所卫生许可证擅自营业",
                    violatedProvision: "《公共场所卫生管理条例》第八条、《公共场所卫生管理条例实施细则》第二十二条第一款",
                    penaltyBasis: "《公共场所卫生管理条例实施细则》第三十五条", kinds: [.warning, .fine], legalMinFen: 500_00, legalMaxFen: 30_000_00,
                    bands: bands([("轻微", "擅自营业不满一个月，及时改正", 500, 2_000), ("一般", "擅自营业一个月以上不满三个月", 2_000, 5_000),
                                  ("严重", "曾受处罚、擅自营业三个月以上或以涂改、转让、伪造的许可证营业", 5_000, 30_000)])),
        PenaltyRule(code: "GG-36-1", category: "GG", violation: "未按照规定对公共场所的空气、微小气候、水质、采光、照明、噪声、顾客用品用具等进行卫生检测",
                    violatedProvision: "《公共场所卫生管理条例实施细则》第十九条第一款", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十六条第（一）项",
                    kinds: [.warning, .fine], legalMinFen: 0, legalMaxFen: 20_000_00,
                    bands: bands([("轻微", "首次发现，限期内改正", 0, 1_000), ("一般", "限期内未全部改正", 1_000, 2_000),
                                  ("严重", "逾期不改正，造成卫生质量不符合卫生标准和要求", 2_000, 20_000)])),
        PenaltyRule(code: "GG-36-2", category: "GG", violation: "未按照规定对顾客用品用具进行清洗、消毒、保洁，或者重复使用一次性用品用具",
                    violatedProvision: "《公共场所卫生管理条例实施细则》第十四条第一款", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十六条第（二）项",
                    kinds: [.warning, .fine], legalMinFen: 0, legalMaxFen: 20_000_00,
                    bands: bands([("轻微", "首次发现，限期内改正", 0, 1_000), ("一般", "限期内未全部改正", 1_000, 2_000),
                                  ("严重", "逾期不改正，造成卫生质量不符合卫生标准和要求", 2_000, 20_000)])),
        PenaltyRule(code: "GG-37-1", category: "GG", violation: "未按照规定建立卫生管理制度、设立卫生管理部门或者配备专（兼）职卫生管理人员，或者未建立卫生管理档案",
                    violatedProvision: "《公共场所卫生管理条例实施细则》第七条、第八条", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十七条第（一）项",
                    kinds: [.warning, .fine], legalMinFen: 1_000_00, legalMaxFen: 30_000_00,
                    bands: bands([("轻微", "逾期不改正，情节轻微", 1_000, 3_000), ("一般", "逾期不改正", 3_000, 10_000), ("严重", "拒绝监督", 10_000, 30_000)])),
        PenaltyRule(code: "GG-38", category: "GG", violation: "安排未获得有效健康合格证明的从业人员从事直接为顾客服务工作",
                    violatedProvision: "《公共场所卫生管理条例实施细则》第十条第一款", penaltyBasis: "《公共场所卫生管理条例实施细则》第三十八条",
                    kinds: [.warning, .fine], legalMinFen: 500_00, legalMaxFen: 15_000_00,
                    bands: bands([("轻微", "1名从业人员，及时改正", 500, 1_500), ("一般", "2至5名从业人员", 1_500, 5_000),
                                  ("严重", "逾期不改正", 5_000, 15_000)])),
        PenaltyRule(code: "YS-25", category: "YS", violation: "集中式供水单位安排未取得体检合格证的人员从事直接供、管水工作",
                    violatedProvision: "《生活饮用水卫生监督管理办法》第十一条", penaltyBasis: "《生活饮用水卫生监督管理办法》第二十五条",
                    kinds: [.fine], legalMinFen: 20_00, legalMaxFen: 1_000_00,
                    bands: bands([("轻微", "1名人员，及时改正", 20, 300), ("一般", "2名以上人员", 300, 700), ("严重", "逾期不改进", 700, 1_000)])),
        PenaltyRule(code: "YS-26-3", category: "YS", violation: "供水单位未取得卫生许可证而擅自供水",
                    violatedProvision: "《生活饮用水卫生监督管理办法》第七条", penaltyBasis: "《生活饮用水卫生监督管理办法》第二十六条第（三）项",
                    kinds: [.fine], legalMinFen: 20_00, legalMaxFen: 5_000_00,
                    bands: bands([("轻微", "及时补办", 20, 1_000), ("一般", "擅自供水一个月以上", 1_000, 3_000), ("严重", "逾期不改进", 3_000, 5_000)])),
        PenaltyRule(code: "YS-26-4", category: "YS", violation: "供水单位供应的饮用水不符合国家规定的生活饮用水卫生标准",
                    violatedProvision: "《生活饮用水卫生监督管理办法》第六条", penaltyBasis: "《生活饮用水卫生监督管理办法》第二十六条第（四）项",
                    kinds: [.fine], legalMinFen: 20_00, legalMaxFen: 5_000_00,
                    bands: bands([("轻微", "感官性状指标超标，及时改正", 20, 1_000), ("一般", "一般化学指标超标", 1_000, 3_000),
                                  ("严重", "微生物或毒理指标超标", 3_000, 5_000)])),
    ]
}
