import Foundation

/// A field that one supervision category adds to a unit's record (e.g. 泳池面积 for public places).
public struct ExtensionField: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case text(maxLength: Int)
        case integer
        case decimal
        case yesNo
        case choice([String])
    }

    public let key: String
    public let label: String
    public let kind: Kind
    /// Required for a complete record: a blank value is reported by the data-quality run.
    public let required: Bool
    /// The kinds of unit (category codes or their prefixes) that have this field; nil: every kind
    /// of its top-level category (issue 11: a 理发店 was asked for 床位数 and 泳池面积).
    public let kinds: [String]?

    public init(_ key: String, _ label: String, _ kind: Kind, required: Bool = false, kinds: [String]? = nil) {
        self.key = key
        self.label = label
        self.kind = kind
        self.required = required
        self.kinds = kinds
    }

    /// Whether units of category `code` have this field. A broader code (公共场所, 住宿与交际场所)
    /// has every field one of its kinds has: the template and a form without a kind chosen yet.
    public func applies(to code: String) -> Bool {
        guard let kinds else { return true }
        return kinds.contains { code.hasPrefix($0) || $0.hasPrefix(code) }
    }

    public var choices: [String] {
        switch kind {
        case .choice(let options): options
        case .yesNo: ["是", "否"]
        default: []
        }
    }

    public var isChoice: Bool { !choices.isEmpty }

    /// The most characters a value may have (forms set it as `maxlength`).
    public var maxLength: Int {
        switch kind {
        case .text(let maxLength): maxLength
        case .integer: 9
        case .decimal, .yesNo, .choice: 20
        }
    }

    /// Checks and normalises one value; an empty value is allowed here (gaps are a quality finding).
    public func normalise(_ raw: String) throws -> String {
        let value = raw.trimmed
        if value.isEmpty { return "" }
        switch kind {
        case .text(let maxLength):
            guard value.count <= maxLength else { throw ValidationError(field: label, code: "length", message: "不能超过\(maxLength)个字符") }
            return value
        case .integer:
            guard let number = Int(value), number >= 0 else { throw ValidationError(field: label, code: "integer", message: "应为不小于0的整数") }
            return String(number)
        case .decimal:
            guard let number = Decimal(string: value), number >= 0, value.allSatisfy({ $0.isNumber || $0 == "." }) else {
                throw ValidationError(field: label, code: "decimal", message: "应为不小于0的数字")
            }
            return "\(number)"
        case .yesNo, .choice:
            let options = choices
            let aliases = ["true": "是", "1": "是", "有": "是", "false": "否", "0": "否", "无": "否"]
            let mapped = kind == .yesNo ? (aliases[value.lowercased()] ?? value) : value
            guard options.contains(mapped) else {
                throw ValidationError(field: label, code: "choice", message: "应为以下之一：\(options.joined(separator: "、"))")
            }
            return mapped
        }
    }
}

/// The extension fields of each category (issue 3: 公共场所, 生活饮用水, 学校, 医疗卫生, 职业/放射),
/// each asked only of the kinds of unit that have it. Categories without a list carry none.
public enum CategoryExtensions {
    static let hazards = ExtensionField("hazards", "危害因素", .text(maxLength: 200))
    /// Accommodation (宾馆, 旅店, 招待所, 车马店) and bathhouses have beds.
    static let lodging = ["GG0101", "GG0103", "GG0104", "GG0105", "GG0201"]

    /// The fields of units of category `code`, in the order forms show them.
    public static func fields(forCategory code: String) -> [ExtensionField] {
        allFields(ofTopLevel: CategoryNode.topLevel(of: code)).filter { $0.applies(to: code) }
    }

    /// The fields one kind or another of a top-level category has.
    public static func allFields(ofTopLevel topLevel: String) -> [ExtensionField] {
        switch topLevel {
        case "GG":
            [ExtensionField("centralAirConditioning", "集中空调", .yesNo),
             ExtensionField("beds", "床位数", .integer, kinds: lodging),
             ExtensionField("poolArea", "泳池面积（平方米）", .decimal, kinds: ["GG0402"])]
        case "YS":
            [ExtensionField("supplyType", "供水类型", .choice(["集中式供水", "小型集中式供水", "二次供水", "涉水产品"]), required: true),
             ExtensionField("designCapacity", "设计日供水量（立方米）", .decimal, kinds: ["YS01", "YS02", "YS03"]),
             ExtensionField("actualCapacity", "实际日供水量（立方米）", .decimal, kinds: ["YS01", "YS02", "YS03"]),
             ExtensionField("sourceType", "水源类型", .choice(["地表水", "地下水", "市政管网", "其他"]), kinds: ["YS01", "YS02"]),
             ExtensionField("disinfection", "消毒方式", .choice(["液氯", "次氯酸钠", "二氧化氯", "紫外线", "臭氧", "其他", "无"]), kinds: ["YS01", "YS02", "YS03"]),
             ExtensionField("population", "服务人口", .integer, kinds: ["YS01", "YS02", "YS03"])]
        case "XX":
            [ExtensionField("schoolType", "学校类型", .choice(["幼儿园", "小学", "初级中学", "高级中学", "完全中学", "九年一贯制学校", "十二年一贯制学校", "中等职业学校", "高等学校", "特殊教育学校", "其他"]), required: true),
             ExtensionField("stages", "学段", .text(maxLength: 50)),
             ExtensionField("students", "学生数", .integer),
             ExtensionField("boarding", "寄宿", .yesNo, kinds: ["XX01", "XX03"]),
             ExtensionField("schoolDoctor", "校医", .choice(["专职", "兼职", "无"]))]
        case "YL":
            [ExtensionField("institutionCategory", "机构类别（WS 218）", .text(maxLength: 10), required: true),
             ExtensionField("registrationNumber", "执业许可证登记号", .text(maxLength: 22), kinds: ["YL01", "YL03", "YL04", "YL05"]),
             ExtensionField("filingNumber", "备案号", .text(maxLength: 40), kinds: ["YL02"]),
             ExtensionField("departments", "诊疗科目", .text(maxLength: 500)),
             ExtensionField("beds", "床位数", .integer, kinds: ["YL01", "YL03", "YL04"]),
             ExtensionField("radiationLicence", "放射诊疗许可", .yesNo)]
        case "ZY", "FS":
            [ExtensionField("sector", "所属行业", .text(maxLength: 100)),
             hazards,
             ExtensionField("exposedWorkers", "接害人数", .integer)]
        default:
            []
        }
    }

    /// Fields of the top-level category that units of `code` do not have but `values` fills in
    /// (an import row giving a 理发店 床位数): the import names them instead of dropping them.
    public static func inapplicable(_ values: [String: String], category code: String) -> [ExtensionField] {
        allFields(ofTopLevel: CategoryNode.topLevel(of: code)).filter { !$0.applies(to: code) && !(values[$0.key] ?? "").trimmed.isEmpty }
    }

    /// Validates every extension value of a category at once; unknown keys are dropped.
    public static func validate(_ values: [String: String], category: String) throws -> [String: String] {
        var errors = ValidationCollector()
        var result: [String: String] = [:]
        for field in fields(forCategory: category) {
            errors.run {
                let value = try field.normalise(values[field.key] ?? "")
                if !value.isEmpty { result[field.key] = value }
            }
        }
        if CategoryNode.topLevel(of: category) == "YL", let number = result["registrationNumber"], number.count != 22 {
            // 医疗机构登记号: 9 organisation code + 6 division + 2 economic type + 4 category + 1 class.
            errors.add(ValidationError(field: "执业许可证登记号", code: "registration.length", message: "应为22位（组织机构代码9位+行政区划6位+经济类型2位+机构类别4位+管理类别1位）"))
        }
        try errors.check()
        return result
    }
}
