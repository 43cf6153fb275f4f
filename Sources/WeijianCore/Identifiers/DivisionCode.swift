/// 行政区划代码 (GB/T 2260): six digits, no check digit.
///
/// Structure is checked here (a known province, city and county parts in range); whether a code
/// exists is a lookup in the versioned division table the server keeps, because codes are added and
/// retired every year.
public struct DivisionCode: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    /// Province-level codes of GB/T 2260 (including Hong Kong, Macao and Taiwan).
    public static let provinces: [String: String] = [
        "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
        "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
        "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
        "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
        "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
        "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
    ]

    public init(_ raw: String, field: String = "行政区划代码") throws {
        let code = raw.trimmed
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError(field: field, code: "division.format", message: "应为6位数字（GB/T 2260）")
        }
        guard Self.provinces[String(code.prefix(2))] != nil else {
            throw ValidationError(field: field, code: "division.province",
                                  message: "前2位“\(code.prefix(2))”不是有效的省级代码")
        }
        self.value = code
    }

    public var provinceCode: String { String(value.prefix(2)) + "0000" }
    public var cityCode: String { String(value.prefix(4)) + "00" }
    public var level: Int { value.hasSuffix("0000") ? 1 : value.hasSuffix("00") ? 2 : 3 }

    /// The part of a code its subdivisions share: `350100` → `3501`, `350000` → `35`, `350102` itself.
    public static func significantPrefix(_ code: String) -> String {
        var trimmed = Substring(code)
        while trimmed.hasSuffix("00") { trimmed = trimmed.dropLast(2) }
        return String(trimmed)
    }
}
