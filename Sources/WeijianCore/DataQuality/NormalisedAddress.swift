/// An address parsed into its parts, for comparison: road, house number, places (广场, 大厦),
/// building, unit, floor and room, whatever order and spelling they were typed in.
///
/// "福州市鼓楼区五四路158号环球广场3楼" and "环球广场3F（五四路158号）" are both
/// 五四路158号 · 环球广场 · 3层: characters folded (traditional, width), units written one way
/// (# → 号, 3F/F3/三楼 → 3层, 负一楼/B1 → B1层, 3号楼/A座/幢 → 栋, 商铺 → 室), bracket groups made
/// segments of their own or dropped as divisions, leading and trailing divisions taken off
/// (and remembered for the name), the two roads of a crossing put in order.
public struct NormalisedAddress: Sendable {
    public private(set) var road: String?
    public private(set) var house: String?
    public private(set) var places: [String] = []
    public private(set) var building: String?
    public private(set) var unit: String?
    public private(set) var floor: String?
    public private(set) var room: String?
    private(set) var other: [String] = []
    public private(set) var divisions: [DivisionIndex.Division] = []

    /// The parts in one order: what two spellings of one address share.
    public var text: String {
        [road ?? "", house ?? ""].joined() + places.joined() + (building.map { "\($0)栋" } ?? "") + (unit.map { "\($0)单元" } ?? "")
            + (floor.map { "\($0)层" } ?? "") + (room.map { "\($0)室" } ?? "") + other.joined()
    }

    /// Road and house number: the block two records at one door share.
    public var roadKey: String { (road ?? "") + (house ?? "") }

    static let roadSuffixes = ["路", "街", "大道", "大街", "道", "巷", "弄", "里", "胡同", "段", "村", "组", "巷子", "线", "屯"].map { Array($0.unicodeScalars) }
    static let placeEnds = ["广场", "大厦", "中心", "商场", "商城", "小区", "花园", "公寓", "大楼", "市场", "苑", "园", "城", "百货", "商厦", "饭店",
                            "公园", "山庄", "家园", "新村", "写字楼", "裙楼"].map { Array($0.unicodeScalars) }

    public init(_ raw: String, divisions index: DivisionIndex = .empty) {
        let text = AddressSpelling.canonical(Array(ChineseTextFolding.fold(raw).unicodeScalars))
        // Bracket groups: divisions are dropped, anything else is a segment after the rest.
        var outside: [[Unicode.Scalar]] = [[]]
        var bracketed: [[Unicode.Scalar]] = []
        var position = 0
        while position < text.count {
            if text[position] == "(", let close = text[(position + 1)...].firstIndex(where: { $0 == ")" || $0 == "(" }), text[close] == ")" {
                let inside = text[(position + 1)..<close]
                if let places = index.only(inside) { divisions += places } else { bracketed.append(Array(inside)) }
                outside.append([])
                position = close + 1
                continue
            }
            if text[position] != "(" && text[position] != ")" { outside[outside.count - 1].append(text[position]) }
            position += 1
        }
        for segment in outside.filter({ !$0.isEmpty }) + bracketed.filter({ !$0.isEmpty }) {
            let (stripped, found) = index.strip(segment, forName: false, levels: 4)
            divisions += found
            var rest = Array(stripped)
            // A district written after the rest: "北山街8号西湖区".
            if let (start, trailing) = Self.trailingDivisions(rest, index: index) {
                divisions += trailing
                rest = Array(rest[..<start])
            }
            parse(AddressSpelling.crossing(rest))
        }
    }

    static let partMarks = Set("号室层栋元弄".unicodeScalars)

    /// The run of 2–8 characters after the last number or unit mark, when it is all divisions.
    static func trailingDivisions(_ text: [Unicode.Scalar], index: DivisionIndex) -> (Int, [DivisionIndex.Division])? {
        var start = text.count
        while start > 0, !text[start - 1].isDigit, !partMarks.contains(text[start - 1]) { start -= 1 }
        let length = text.count - start
        guard (2...8).contains(length), start > 0 else { return nil }
        let mark = text[start - 1]
        // 元 only as the end of 单元.
        if mark == "元" && (start < 2 || text[start - 2] != "单") { return nil }
        guard let found = index.only(text[start...]) else { return nil }
        return (start, found)
    }

    mutating func parse(_ text: [Unicode.Scalar]) {
        var position = 0
        var pending: [Unicode.Scalar] = []
        while position < text.count {
            guard let token = AddressSpelling.token(text, at: position) else {
                pending.append(text[position])
                position += 1
                continue
            }
            position = token.end
            let number = String(scalars: token.number)
            let pendingIsRoad = Self.roadSuffixes.contains { pending.ends(with: $0) }
            switch token.unit {
            case "栋":
                addPlace(pending); pending = []
                building = building ?? number
            case "单元":
                addPlace(pending); pending = []
                unit = unit ?? number
            case "层":
                addPlace(pending); pending = []
                floor = floor ?? number
            case "室":
                addPlace(pending); pending = []
                room = room ?? number
            case "弄" where pendingIsRoad && house == nil:
                road = String(scalars: pending)
                house = number + "弄"
                pending = []
            default:
                if let current = house, current.hasSuffix("弄"), pending.isEmpty, token.unit == "号" || token.unit == nil {
                    house = current + number + "号"
                } else if !pending.isEmpty, pendingIsRoad, house == nil {
                    road = String(scalars: pending)
                    house = number + (token.unit == "号院" ? "号院" : "号")
                    pending = []
                } else if house != nil || floor != nil || building != nil || unit != nil || Self.placeEnds.contains(where: { pending.ends(with: $0) }) {
                    addPlace(pending); pending = []
                    room = room ?? String(number.drop { $0 == "-" })
                } else {
                    road = String(scalars: pending)
                    house = number + "号"
                    pending = []
                }
            }
        }
        guard !pending.isEmpty else { return }
        if Self.roadSuffixes.contains(where: { pending.ends(with: $0) }), road == nil, house == nil {
            road = String(scalars: pending)
        } else {
            addPlace(pending)
        }
    }

    mutating func addPlace(_ text: [Unicode.Scalar]) {
        guard !text.isEmpty else { return }
        if Self.placeEnds.contains(where: { text.ends(with: $0) }) { places.append(String(scalars: text)) } else { other.append(String(scalars: text)) }
    }
}
