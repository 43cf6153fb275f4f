import Foundation
import WeijianCore

/// Realistic Chinese demo units for Fuzhou (福州市): names, addresses, valid credit codes,
/// legal representatives with valid ID numbers and phones, per category. Used by `weijian demo`
/// and by the import and search benchmarks.
struct DemoUnits {
    var random: SeededRandom
    private var usedNames: Set<String> = []
    private var usedCodes: Set<String> = []
    private var serial = 0

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    static let districts: [(code: String, name: String, streets: [String])] = [
        ("350102", "鼓楼区", ["五四路", "东街", "杨桥中路", "湖东路", "铜盘路", "乌山路", "华林路", "温泉路"]),
        ("350103", "台江区", ["八一七中路", "工业路", "江滨中大道", "五一中路", "宁化路", "上海路"]),
        ("350104", "仓山区", ["浦上大道", "则徐大道", "六一南路", "首山路", "建新南路", "盘屿路"]),
        ("350105", "马尾区", ["罗星西路", "儒江西路", "君竹路", "沿山西路"]),
        ("350111", "晋安区", ["福新中路", "长乐北路", "鼓山大道", "岳峰路", "连江北路", "王庄路"]),
        ("350112", "长乐区", ["郑和中路", "吴航路", "首占路", "航城大道"]),
        ("350121", "闽侯县", ["上街大学城", "甘蔗镇昙石山中大道", "南屿镇南旗路"]),
        ("350181", "福清市", ["清昌大道", "福唐路", "江兜路", "融侨经济开发区"]),
    ]

    static let brands = ["阳光", "金色", "星光", "东方", "福泰", "鑫源", "华美", "新城", "榕城", "闽江", "海峡", "百合", "安康", "顺达", "万家", "嘉禾",
                         "恒信", "瑞丰", "永和", "天元", "佳佳", "美丽", "友谊", "和平", "长青", "正大", "宏远", "盛世", "润泽", "康乐", "如意", "吉祥",
                         "金山", "银河", "紫荆", "茉莉", "三坊", "七巷", "乌山", "西湖", "左海", "温泉", "鼓山", "旗山", "梅峰", "湖滨", "江南", "南门"]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "林", "郑", "何", "郭", "欧阳", "上官"]
    static let givenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "建国", "志强"]

    /// Kinds by share of the registry: category code, name endings, licensed.
    static let kinds: [(code: String, weight: Int, endings: [String])] = [
        ("GG0101", 14, ["宾馆", "酒店", "大酒店", "商务酒店"]), ("GG0103", 5, ["旅店", "旅社"]), ("GG0104", 2, ["招待所"]),
        ("GG0102", 6, ["饭馆", "餐厅"]), ("GG0106", 3, ["咖啡馆"]), ("GG0201", 4, ["浴室", "洗浴中心"]), ("GG0202", 9, ["理发店", "美发店"]),
        ("GG0203", 7, ["美容店", "美容院"]), ("GG0301", 1, ["影城", "影剧院"]), ("GG0303", 2, ["游艺厅"]), ("GG0402", 3, ["游泳馆", "游泳池"]),
        ("GG0601", 4, ["商场", "购物中心"]), ("GG0602", 1, ["书店"]), ("GG0702", 1, ["候车室"]),
        ("YS01", 1, ["自来水厂", "水厂"]), ("YS03", 5, ["二次供水泵房"]), ("YS04", 1, ["净水设备厂"]),
        ("YL01", 3, ["医院", "门诊部"]), ("YL02", 8, ["诊所", "口腔诊所"]), ("YL03", 1, ["中医馆"]),
        ("XX01", 4, ["小学", "中学"]), ("XX02", 4, ["幼儿园"]), ("ZY01", 4, ["制造有限公司", "电子厂"]), ("FS01", 1, ["口腔门诊部"]),
        ("CR01", 1, ["卫生院"]), ("XD01", 1, ["消毒用品厂"]), ("XD02", 1, ["餐具消毒中心"]),
    ]
    static let totalWeight = kinds.reduce(0) { $0 + $1.weight }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// A valid credit code not given out before: GB 11714 inner check and GB 32100 check character.
    mutating func creditCode(individual: Bool, division: String) -> String {
        var code = ""
        repeat { code = anyCreditCode(individual: individual, division: division) } while usedCodes.contains(code)
        usedCodes.insert(code)
        return code
    }

    mutating func anyCreditCode(individual: Bool, division: String) -> String {
        let org = (0..<8).map { _ in String(number(0...9)) }.joined()
        let orgSum = zip(org, [3, 7, 9, 10, 5, 8, 4, 2]).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        let orgCheck = 11 - orgSum % 11
        let first17 = (individual ? "92" : "91") + division + org + (orgCheck == 10 ? "X" : orgCheck == 11 ? "0" : String(orgCheck))
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(first17, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return first17 + String(alphabet[(31 - sum % 31) % 31])
    }

    /// A valid resident ID number of someone born 1960–1999 in the division.
    mutating func idNumber(division: String) -> String {
        let date = String(format: "%04d%02d%02d", number(1960...1999), number(1...12), number(1...28))
        let body = division + date + String(format: "%03d", number(1...999))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    mutating func mobile() -> String { "1" + pick(["3", "5", "7", "8", "9"]) + String(format: "%09d", number(0...999_999_999)) }

    mutating func person() -> String { pick(Self.surnames) + pick(Self.givenNames) }

    /// One unit, as the import template's input.
    mutating func next() -> EntityInput {
        var roll = number(0...(Self.totalWeight - 1))
        let kind = Self.kinds.first { roll -= $0.weight; return roll < 0 } ?? Self.kinds[0]
        let district = pick(Self.districts)
        let individual = kind.code.hasPrefix("GG02") && number(0...1) == 0
        var name: String
        repeat {
            let brand = pick(Self.brands) + (number(0...2) == 0 ? pick(Self.brands) : "")
            let ending = pick(kind.endings)
            let form = individual || kind.code.hasPrefix("XX") || ending.hasSuffix("公司") ? "" : pick(["有限公司", "有限责任公司", ""])
            name = (number(0...3) == 0 ? district.name : "") + brand + ending + form
            serial += 1
            if usedNames.contains(name) { name = brand + pick(kind.endings) + "（\(pick(district.streets))\(serial % 997 + 1)号店）" }
        } while usedNames.contains(name)
        usedNames.insert(name)
        let address = "福州市\(district.name)\(pick(district.streets))\(number(1...399))号"
        var ext: [String: String] = [:]
        switch CategoryNode.topLevel(of: kind.code) {
        case "GG": ext = ["beds": kind.code == "GG0101" ? String(number(20...400)) : "", "centralAirConditioning": pick(["是", "否"])]
            if kind.code == "GG0402" { ext["poolArea"] = String(number(200...1500)) }
        case "YS": ext = ["supplyType": kind.code == "YS01" ? "集中式供水" : kind.code == "YS03" ? "二次供水" : "涉水产品", "population": String(number(500...200_000)),
                          "disinfection": pick(["次氯酸钠", "二氧化氯", "液氯"]), "sourceType": pick(["地表水", "地下水", "市政管网"])]
        case "XX": ext = ["schoolType": kind.code == "XX02" ? "幼儿园" : pick(["小学", "初级中学", "完全中学"]), "students": String(number(120...3000)),
                          "boarding": pick(["是", "否"]), "schoolDoctor": pick(["专职", "兼职", "无"])]
        case "YL": ext = ["institutionCategory": kind.code == "YL02" ? "D2" : "A1", "beds": kind.code == "YL01" ? String(number(20...800)) : "0"]
        case "ZY", "FS": ext = ["hazards": pick(["噪声", "粉尘", "苯", "X射线"]), "exposedWorkers": String(number(3...300))]
        default: break
        }
        // Only the fields this kind of unit has (a clinic has no beds, a barber no pool).
        let applicable = Set(CategoryExtensions.fields(forCategory: kind.code).map(\.key))
        ext = ext.filter { applicable.contains($0.key) }
        let employees = number(3...120)
        return EntityInput(name: name, shortName: nil, creditCode: creditCode(individual: individual, division: district.code), legalRepName: person(),
                           legalRepIDNumber: idNumber(division: district.code), legalRepPhone: mobile(), contactName: person(),
                           contactPhone: number(0...3) == 0 ? "0591-\(number(22_000_000...88_999_999))" : mobile(),
                           registeredAddress: address, operatingAddress: address, divisionCode: district.code, township: nil,
                           economicType: individual ? "175" : "173", industry: nil, categoryCode: kind.code, businessScope: pick(kind.endings),
                           employees: String(employees), certifiedEmployees: String(employees - number(0...min(3, employees))),
                           trainedEmployees: String(employees - number(0...min(5, employees))), status: number(0...30) == 0 ? "suspended" : "operating",
                           area: "\(pick(["一", "二", "三", "四"]))片区", ext: ext.filter { !$0.value.isEmpty })
    }

    /// The row of the import template for an input (columns of `EntityImport.columns` plus 床位数).
    /// Built from the same field descriptions as the header, so a new column cannot shift the row.
    static func row(_ input: EntityInput) -> [String] {
        EntityField.all.map { field in
            let value = input[keyPath: field.input] ?? ""
            return field.key == "status" ? (SupervisedEntity.Status(rawValue: value)?.chinese ?? value) : value
        } + [(input.inspectors ?? []).joined(separator: "、"), input.ext?["beds"] ?? ""]
    }

    static var header: [String] { EntityImport.columns.map(\.header) + ["床位数"] }
}
