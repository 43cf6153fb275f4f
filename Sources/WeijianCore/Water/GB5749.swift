/// GB 5749-2022 生活饮用水卫生标准 (in force 2023-04-01): the routine indicators of Table 1 and
/// the disinfectant of Table 2 that supervision checks most.
///
/// The table seeds the limits the administrator can edit; the code never judges water against these
/// constants directly. 臭和味 and 肉眼可见物 are sensory descriptions, not figures, and are not
/// included. Compared with the 2006 edition: 耐热大肠菌群 was dropped, 耗氧量 is named
/// 高锰酸盐指数, and 氨 joined the routine list.
public enum GB5749 {
    static let milligramsPerLitre = "mg/L"

    /// The seeded limits, in the order of the standard's tables.
    public static let defaultTable: [WaterIndicator] = [
        WaterIndicator(unchecked: "totalColiforms", name: "总大肠菌群", unit: "MPN/100mL或CFU/100mL",
                       kind: .notDetectable, low: nil, high: nil),
        WaterIndicator(unchecked: "escherichiaColi", name: "大肠埃希氏菌", unit: "MPN/100mL或CFU/100mL",
                       kind: .notDetectable, low: nil, high: nil),
        WaterIndicator(unchecked: "colonyCount", name: "菌落总数", unit: "CFU/mL", kind: .maximum, low: nil, high: 100),
        WaterIndicator(unchecked: "colour", name: "色度", unit: "铂钴色度单位", kind: .maximum, low: nil, high: 15),
        WaterIndicator(unchecked: "turbidity", name: "浑浊度", unit: "NTU", kind: .maximum, low: nil, high: 1),
        WaterIndicator(unchecked: "pH", name: "pH", unit: "", kind: .range, low: 6.5, high: 8.5),
        WaterIndicator(unchecked: "aluminium", name: "铝", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 0.2),
        WaterIndicator(unchecked: "iron", name: "铁", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 0.3),
        WaterIndicator(unchecked: "manganese", name: "锰", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 0.1),
        WaterIndicator(unchecked: "chloride", name: "氯化物", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 250),
        WaterIndicator(unchecked: "sulfate", name: "硫酸盐", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 250),
        WaterIndicator(unchecked: "totalDissolvedSolids", name: "溶解性总固体", unit: milligramsPerLitre,
                       kind: .maximum, low: nil, high: 1000),
        WaterIndicator(unchecked: "totalHardness", name: "总硬度（以CaCO3计）", unit: milligramsPerLitre,
                       kind: .maximum, low: nil, high: 450),
        WaterIndicator(unchecked: "permanganateIndex", name: "高锰酸盐指数（以O2计）", unit: milligramsPerLitre,
                       kind: .maximum, low: nil, high: 3),
        WaterIndicator(unchecked: "ammonia", name: "氨（以N计）", unit: milligramsPerLitre, kind: .maximum, low: nil, high: 0.5),
        // Table 2: free chlorine has a band at the plant outlet and only a floor at the tap.
        WaterIndicator(unchecked: "freeChlorineOutlet", name: "游离氯（出厂水）", unit: milligramsPerLitre,
                       kind: .range, low: 0.3, high: 2),
        WaterIndicator(unchecked: "freeChlorineTap", name: "游离氯（末梢水）", unit: milligramsPerLitre,
                       kind: .minimum, low: 0.05, high: nil),
    ]

    /// The seeded indicator with `code`, if any.
    public static func indicator(code: String) -> WaterIndicator? {
        defaultTable.first { $0.code == code }
    }
}
