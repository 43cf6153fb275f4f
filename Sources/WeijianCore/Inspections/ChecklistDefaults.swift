/// The checklists shipped with the system: editable defaults for the six most inspected kinds,
/// with items taken from the public-place and drinking-water norms (《公共场所卫生管理条例》及其实施
/// 细则, GB 37487-2019 公共场所卫生管理规范, GB 37488-2019 公共场所卫生指标及限值要求,
/// 《生活饮用水卫生监督管理办法》, GB 17051-1997 二次供水设施卫生规范, GB 5749-2022).
/// The information officer edits them like any other checklist; editing makes a new version.
public enum ChecklistDefaults {
    public struct Entry: Sendable {
        public let code: String
        public let name: String
        /// Category codes (or code prefixes) the checklist is used for, most specific first.
        public let categories: [String]
        public let checklist: Checklist
    }

    typealias Row = (text: String, score: Int, key: Bool, basis: String, optional: Bool)

    static func section(_ number: Int, _ title: String, _ rows: [Row]) -> Checklist.Section {
        Checklist.Section(title: title, items: rows.enumerated().map { index, row in
            Checklist.Item(code: "\(number).\(index + 1)", text: row.text, key: row.key, score: row.score, basis: row.basis, mayBeNotApplicable: row.optional)
        })
    }

    static let regulation = "《公共场所卫生管理条例实施细则》"
    static let management = "GB 37487-2019"
    static let limits = "GB 37488-2019"

    /// The licence and staff sections every public place shares.
    static func publicPlaceBasics() -> [Checklist.Section] {
        [
            section(1, "证照与制度", [
                ("持有效的公共场所卫生许可证，经营项目与许可一致", 10, true, "\(regulation)第二十二条", false),
                ("设立卫生管理部门或配备专（兼）职卫生管理人员，建立卫生管理制度", 5, false, "\(regulation)第七条", false),
                ("建立卫生管理档案并按规定保存", 5, false, "\(regulation)第八条", false),
                ("在醒目位置公示卫生许可证和卫生信誉度等级", 3, false, "\(regulation)第二十五条", false),
            ]),
            section(2, "从业人员", [
                ("直接为顾客服务的从业人员持有效健康合格证明", 10, true, "\(regulation)第十条", false),
                ("从业人员经卫生知识培训", 4, false, "\(regulation)第九条", false),
            ]),
        ]
    }

    public static let all: [Entry] = [
        Entry(code: "ZS", name: "住宿场所卫生监督检查表", categories: ["GG01"], checklist: Checklist(sections: publicPlaceBasics() + [
            section(3, "客房与公共用品", [
                ("床上用品一客一换，长住客一周至少更换一次", 8, false, "\(management) 6.3", false),
                ("杯具、拖鞋等公共用品用具清洗消毒并保洁存放", 8, false, "\(regulation)第十四条", false),
                ("设专用的公共用品用具清洗消毒间，分类清洗", 6, false, "\(management) 5.4", false),
                ("一次性用品不重复使用", 4, false, "\(management) 6.3", false),
            ]),
            section(4, "空气与设施", [
                ("集中空调通风系统定期清洗、检测（无集中空调为合理缺项）", 6, false, "\(regulation)第十六条", true),
                ("室内空气质量、微小气候符合标准", 6, false, "\(limits) 4.2", false),
                ("设置防鼠、防蚊蝇、防蟑螂设施", 5, false, "\(regulation)第十七条", false),
                ("按规定开展卫生检测并公示结果", 5, false, "\(regulation)第十九条", false),
            ]),
        ])),
        Entry(code: "MY", name: "沐浴场所卫生监督检查表", categories: ["GG0201"], checklist: Checklist(sections: publicPlaceBasics() + [
            section(3, "浴区与用品", [
                ("浴池水每日补充新水、定期更换，池水水质符合标准（无浴池为合理缺项）", 10, false, "\(limits) 4.4", true),
                ("浴巾、毛巾、浴衣裤、拖鞋一客一换一消毒", 8, false, "\(management) 6.3", false),
                ("设置禁止性病、传染性皮肤病患者就浴的标志", 4, false, "\(regulation)第十八条", false),
                ("浴室通风良好，二氧化碳、一氧化碳浓度符合标准", 6, false, "\(limits) 4.2", false),
            ]),
        ])),
        Entry(code: "MF", name: "美容美发场所卫生监督检查表", categories: ["GG0202", "GG0203"], checklist: Checklist(sections: publicPlaceBasics() + [
            section(3, "工具与用品", [
                ("理发、美容工具一客一用一消毒", 10, false, "\(management) 6.3", false),
                ("毛巾、面巾、床单一客一换", 6, false, "\(management) 6.3", false),
                ("皮肤病患者专用工具单独存放使用", 4, false, "\(regulation)第十八条", false),
                ("使用的化妆品、美发用品有合格标识，未使用过期产品", 8, false, "《化妆品监督管理条例》第六十三条", false),
                ("美容区、美发区分开设置，设有流动水洗头设施", 4, false, "\(management) 5.3", false),
            ]),
        ])),
        Entry(code: "YY", name: "游泳场所卫生监督检查表", categories: ["GG0402"], checklist: Checklist(sections: publicPlaceBasics() + [
            section(3, "池水水质", [
                ("池水循环净化消毒设施正常运转", 10, true, "\(management) 6.5", false),
                ("游离性余氯在0.3～1.0 mg/L之间", 10, true, "\(limits) 表5", false),
                ("浑浊度、pH、尿素等指标符合标准", 8, false, "\(limits) 表5", false),
                ("每日开放前及开放期间检测池水余氯、pH、水温并记录", 6, false, "\(management) 6.5", false),
            ]),
            section(4, "设施与安全", [
                ("设置强制通过式浸脚消毒池，余氯5～10 mg/L", 6, false, "\(management) 5.5", true),
                ("设置禁止患有肝炎、心脏病、皮肤癣疹等疾病者入池的标志", 4, false, "\(regulation)第十八条", false),
                ("消毒剂等化学品专库存放、专人管理", 5, false, "\(management) 6.6", false),
                ("配备水质检测设备和救生人员", 5, false, "\(management) 5.5", false),
            ]),
        ])),
        Entry(code: "ECGS", name: "二次供水卫生监督检查表", categories: ["YS03"], checklist: Checklist(sections: [
            section(1, "证照与管理", [
                ("持有效的卫生许可证", 10, true, "《生活饮用水卫生监督管理办法》第二十一条", false),
                ("设专（兼）职卫生管理人员，建立卫生管理制度", 5, false, "《生活饮用水卫生监督管理办法》第七条", false),
                ("直接从事供、管水人员持有效健康合格证明并经卫生知识培训", 10, true, "《生活饮用水卫生监督管理办法》第十一条", false),
            ]),
            section(2, "设施", [
                ("水箱（池）专用，不与消防用水合用（分设的为合理缺项）", 6, false, "GB 17051-1997 5.4", true),
                ("水箱加盖加锁，溢流管、通气管有防护网", 6, false, "GB 17051-1997 5.4", false),
                ("水箱周围10米内无渗水坑、垃圾堆等污染源", 6, false, "GB 17051-1997 5.3", false),
                ("涉水产品有卫生许可批件", 6, false, "《生活饮用水卫生监督管理办法》第十二条", false),
            ]),
            section(3, "清洗与水质", [
                ("水箱每半年至少清洗消毒一次，有记录", 8, false, "GB 17051-1997 7.2", false),
                ("每年至少检测一次水质，结果符合GB 5749-2022", 8, false, "GB 5749-2022", false),
            ]),
        ])),
        Entry(code: "JZGS", name: "集中式供水卫生监督检查表", categories: ["YS01", "YS02"], checklist: Checklist(sections: [
            section(1, "证照与管理", [
                ("持有效的卫生许可证", 10, true, "《生活饮用水卫生监督管理办法》第二十一条", false),
                ("建立水质检验制度，配备检验人员和设备", 6, false, "《生活饮用水卫生监督管理办法》第七条", false),
                ("直接从事供、管水人员持有效健康合格证明", 10, true, "《生活饮用水卫生监督管理办法》第十一条", false),
            ]),
            section(2, "水源与制水", [
                ("划定水源卫生防护区并设立明显标志", 6, false, "《生活饮用水卫生监督管理办法》第八条", false),
                ("净水、消毒设施正常运转，出厂水消毒剂余量符合标准", 10, true, "GB 5749-2022 表1", false),
                ("使用的净水剂、消毒剂有卫生许可批件", 6, false, "《生活饮用水卫生监督管理办法》第十二条", false),
            ]),
            section(3, "水质检验", [
                ("按规定频次检验出厂水、末梢水，结果符合GB 5749-2022", 8, false, "GB 5749-2022", false),
                ("检验记录完整并按规定报送", 5, false, "《生活饮用水卫生监督管理办法》第九条", false),
            ]),
        ])),
    ]
}
