import Foundation
import WeijianCore

/// One field of a supervised unit, described once: its key in forms, the API and `EntityInput`,
/// its Chinese label (the form, the history, the import header, error messages), its limits,
/// whether it is a natural person's data (encrypted, masked), whether the unit may change it
/// through the portal, and how a registered unit's value reads. The import columns, the portal's
/// change form and review lines, the change history and the edit form are derived from this list
/// (issue 11: "统一社会信用代码" was written out in eleven files).
struct EntityField: @unchecked Sendable {
    let key: String
    let label: String
    let input: WritableKeyPath<EntityInput, String?>
    let maxLength: Int
    let required: Bool
    let portalEditable: Bool
    /// An example value for the import template's notes.
    let example: String
    /// The encrypted column holding a natural person's datum; nil for organisation data.
    let personal: EncryptedField?
    /// The value as the edit form shows it (nil: empty). Personal data is not read here.
    let stored: (SupervisedEntity) -> String?
    /// The value as the history shows it, when it differs from `stored` (经营状态 in words).
    let shown: ((SupervisedEntity) -> String)?

    init(_ key: String, _ label: String, _ input: WritableKeyPath<EntityInput, String?>, max: Int, required: Bool = false, portal: Bool = false,
         example: String = "", personal: EncryptedField? = nil, stored: @escaping (SupervisedEntity) -> String? = { _ in nil },
         shown: ((SupervisedEntity) -> String)? = nil) {
        self.key = key
        self.label = label
        self.input = input
        self.maxLength = max
        self.required = required
        self.portalEditable = portal
        self.example = example
        self.personal = personal
        self.stored = stored
        self.shown = shown
    }

    static let encrypted = SupervisedEntity.encryptedFields

    /// In the order of the import template.
    /// Each field's most characters, by key: the forms' `maxlength`.
    static let limits = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.maxLength) })

    static let all: [EntityField] = [
        .init("name", "单位名称", \.name, max: 200, required: true, portal: true, example: "福州市鼓楼区阳光宾馆有限公司", stored: { $0.name }),
        .init("shortName", "简称", \.shortName, max: 50, portal: true, example: "阳光宾馆", stored: { $0.shortName }),
        .init("creditCode", "统一社会信用代码", \.creditCode, max: 18, example: "91350100M000100Y43", stored: { $0.creditCode }),
        .init("legalRepName", "法定代表人（负责人）", \.legalRepName, max: 50, portal: true, example: "张三", stored: { $0.legalRepName }),
        .init("legalRepIDNumber", "法定代表人身份证号", \.legalRepIDNumber, max: 18, portal: true, example: "11010519491231002X", personal: encrypted[0]),
        .init("legalRepPhone", "法定代表人电话", \.legalRepPhone, max: 20, portal: true, example: "13800138000", personal: encrypted[1]),
        .init("contactName", "联系人", \.contactName, max: 50, portal: true, example: "李四", stored: { $0.contactName }),
        .init("contactPhone", "联系电话", \.contactPhone, max: 20, portal: true, example: "0591-87654321", personal: encrypted[2]),
        .init("registeredAddress", "注册地址", \.registeredAddress, max: 300, portal: true, example: "福州市鼓楼区五四路12号", stored: { $0.registeredAddress }),
        .init("operatingAddress", "经营地址", \.operatingAddress, max: 300, required: true, portal: true, example: "福州市鼓楼区五四路12号",
              stored: { $0.operatingAddress }),
        .init("divisionCode", "行政区划代码", \.divisionCode, max: 6, required: true, example: "350102", stored: { $0.divisionCode }),
        .init("township", "乡镇（街道）", \.township, max: 100, portal: true, example: "东街街道", stored: { $0.township }),
        .init("latitude", "纬度", \.latitude, max: 20, stored: { $0.latitude.map { "\($0)" } }),
        .init("longitude", "经度", \.longitude, max: 20, stored: { $0.longitude.map { "\($0)" } }),
        .init("economicType", "经济类型", \.economicType, max: 10, example: "173", stored: { $0.economicType }),
        .init("industry", "行业", \.industry, max: 10, example: "61", stored: { $0.industry }),
        .init("categoryCode", "专业类别", \.categoryCode, max: 20, required: true, example: "GG0101", stored: { $0.categoryCode }),
        .init("businessScope", "经营范围", \.businessScope, max: 1000, portal: true, example: "住宿", stored: { $0.businessScope }),
        .init("employees", "从业人员数", \.employees, max: 9, portal: true, example: "20", stored: { $0.employees.map(String.init) }),
        .init("certifiedEmployees", "持健康证人数", \.certifiedEmployees, max: 9, portal: true, example: "20", stored: { $0.certifiedEmployees.map(String.init) }),
        .init("trainedEmployees", "培训合格人数", \.trainedEmployees, max: 9, portal: true, example: "18", stored: { $0.trainedEmployees.map(String.init) }),
        .init("status", "经营状态", \.status, max: 20, example: "在营", stored: { $0.status.rawValue }, shown: { $0.status.chinese }),
        .init("area", "片区", \.area, max: 50, example: "一片区", stored: { $0.area }),
        .init("departmentID", "责任科室", \.departmentID, max: 40, example: "GGK", stored: { $0.departmentID?.uuidString }),
    ]

    /// The rules in words, for the import template's notes and the form's hints.
    static let rules: [String: String] = [
        "creditCode": "18位，第18位为校验码（GB 32100）；个体工商户以92开头；没有可不填",
        "legalRepIDNumber": "18位居民身份证号，加密保存", "legalRepPhone": "手机11位或带区号的固定电话，加密保存",
        "contactPhone": "手机11位或带区号的固定电话（如0591-87654321），加密保存",
        "divisionCode": "6位行政区划代码（GB/T 2260），如350102", "latitude": "-90到90之间的数字", "longitude": "-180到180之间的数字",
        "economicType": "经济类型代码（GB/T 12402）", "industry": "国民经济行业分类代码（GB/T 4754）",
        "categoryCode": "专业类别代码（见「专业类别」页面），如GG0101宾馆", "employees": "不小于0的整数",
        "certifiedEmployees": "不大于从业人员数", "trainedEmployees": "不大于从业人员数", "status": "在营、停业或注销，不填为在营",
        "departmentID": "科室代码或名称，须在您的数据范围内；数据范围限于科室的，必填",
    ]

    /// The rule of a field in words.
    var rule: String {
        [Self.rules[key], maxLength > 20 ? "不超过\(maxLength)个字" : nil].compactMap { $0 }.joined(separator: "；")
    }

    static let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
    static let portal = all.filter(\.portalEditable)

    /// The import header of the inspectors column (usernames, several separated by 、).
    static let inspectorsHeader = "监督员"
}
