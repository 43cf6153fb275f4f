/// A TrueType font (a `.ttf`, or the first face of a `.ttc` collection) read for embedding in PDF
/// documents: character → glyph lookup, advance widths for layout, and subsetting, so a document
/// carries only the outlines of the characters it prints (an 意见书 embeds a few hundred glyphs,
/// not the 5 MB font).
///
/// Only what embedding needs is read: `head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf`, `cmap`
/// (formats 4 and 12) and the hinting tables copied as they are.
public struct TrueTypeFont: Sendable {
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    let data: [UInt8]
    let tables: [String: Range<Int>]
    public let unitsPerEm: Int
    public let ascent: Int
    public let descent: Int
    public let boundingBox: (Int, Int, Int, Int)
    public let postScriptName: String
    let glyphCount: Int
    let longLoca: Bool
    let metricCount: Int
    let characterMap: [UInt32: UInt16]

    /// Reads a font from its bytes; a collection gives its first face.
    public init(bytes: [UInt8]) throws {
        data = bytes
        let reader = ByteReader(bytes)
        var start = 0
        if try reader.tag(at: 0) == "ttcf" {
            guard try reader.u32(at: 8) >= 1 else { throw FormatError(description: "字体集合中没有字体") }
            start = Int(try reader.u32(at: 12))
        }
        let count = Int(try reader.u16(at: start + 4))
        var tables: [String: Range<Int>] = [:]
        for index in 0..<count {
            let entry = start + 12 + index * 16
            let offset = Int(try reader.u32(at: entry + 8)), length = Int(try reader.u32(at: entry + 12))
            guard offset + length <= bytes.count else { throw FormatError(description: "字体表超出文件长度") }
            tables[try reader.tag(at: entry)] = offset..<(offset + length)
        }
        for required in ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"] where tables[required] == nil {
            throw FormatError(description: "字体缺少\(required)表（只支持TrueType轮廓字体）")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound, hhea = tables["hhea"]!.lowerBound
        unitsPerEm = Int(try reader.u16(at: head + 18))
        boundingBox = (Int(try reader.i16(at: head + 36)), Int(try reader.i16(at: head + 38)), Int(try reader.i16(at: head + 40)), Int(try reader.i16(at: head + 42)))
        longLoca = try reader.i16(at: head + 50) == 1
        ascent = Int(try reader.i16(at: hhea + 4))
        descent = Int(try reader.i16(at: hhea + 6))
        metricCount = Int(try reader.u16(at: hhea + 34))
        glyphCount = Int(try reader.u16(at: tables["maxp"]!.lowerBound + 4))
        characterMap = try Self.readCharacterMap(reader, table: tables["cmap"]!)
        postScriptName = (try? Self.readPostScriptName(reader, table: tables["name"])) ?? "EmbeddedFont"
        guard unitsPerEm > 0, metricCount > 0, glyphCount > 0 else { throw FormatError(description: "字体度量数据无效") }
    }

    /// The glyph for a character; 0 (the font's "missing" box) when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16 { characterMap[scalar.value] ?? 0 }

    /// Whether the font draws the character.
    public func covers(_ scalar: Unicode.Scalar) -> Bool { characterMap[scalar.value] != nil }

    /// A glyph's advance width in font units.
    public func advance(of glyph: UInt16) -> Int {
        let reader = ByteReader(data)
        let hmtx = tables["hmtx"]!.lowerBound
        let index = min(Int(glyph), metricCount - 1)
        return Int((try? reader.u16(at: hmtx + index * 4)) ?? 0)
    }

    /// A string's width at a size in points.
    public func width(of text: String, size: Double) -> Double {
        Double(text.unicodeScalars.reduce(0) { $0 + advance(of: glyph(for: $1)) }) * size / Double(unitsPerEm)
    }

    // MARK: subsetting

    /// A font holding only the given glyphs (and the glyphs their composites are made of), renumbered
    /// from 1 in the order given after glyph 0. `newID` maps an original glyph to its number there.
    public struct Subset: Sendable {
        public let bytes: [UInt8]
        public let newID: [UInt16: UInt16]
        /// Original glyph of each new glyph number.
        public let originals: [UInt16]
    }

    public func subset(_ glyphs: [UInt16]) throws -> Subset {
        let reader = ByteReader(data)
        var order: [UInt16] = [0]
        var newID: [UInt16: UInt16] = [0: 0]
        var queue = glyphs
        var cursor = 0
        while cursor < queue.count {
            let glyph = queue[cursor]
            cursor += 1
            guard Int(glyph) < glyphCount, newID[glyph] == nil else { continue }
            newID[glyph] = UInt16(order.count)
            order.append(glyph)
            queue += try components(of: glyph, reader)
        }
        // Components found after their composite are numbered too; composite data is rewritten below.
        var glyf: [UInt8] = []
        var loca: [UInt32] = []
        for glyph in order {
            loca.append(UInt32(glyf.count))
            var outline = Array(data[try outlineRange(of: glyph, reader)])
            try renumberComponents(&outline, newID: newID)
            glyf += outline
            while glyf.count % 4 != 0 { glyf.append(0) }
        }
        loca.append(UInt32(glyf.count))

        var out: [String: [UInt8]] = [:]
        var head = Array(data[tables["head"]!])
        head.replace(at: 8, u32: 0)          // checkSumAdjustment, set at the end
        head.replace(at: 50, u16: 1)          // long loca offsets
        out["head"] = head
        var hhea = Array(data[tables["hhea"]!])
        hhea.replace(at: 34, u16: UInt16(order.count))
        out["hhea"] = hhea
        var maxp = Array(data[tables["maxp"]!])
        maxp.replace(at: 4, u16: UInt16(order.count))
        out["maxp"] = maxp
        var hmtx: [UInt8] = []
        let hmtxStart = tables["hmtx"]!.lowerBound
        for glyph in order {
            let metric = min(Int(glyph), metricCount - 1)
            hmtx.append(u16: try reader.u16(at: hmtxStart + metric * 4))
            let lsbOffset = Int(glyph) < metricCount ? hmtxStart + Int(glyph) * 4 + 2 : hmtxStart + metricCount * 4 + (Int(glyph) - metricCount) * 2
            hmtx.append(u16: (try? reader.u16(at: lsbOffset)) ?? 0)
        }
        out["hmtx"] = hmtx
        out["loca"] = loca.flatMap { [UInt8($0 >> 24), UInt8(($0 >> 16) & 0xFF), UInt8(($0 >> 8) & 0xFF), UInt8($0 & 0xFF)] }
        out["glyf"] = glyf
        for copied in ["cvt ", "fpgm", "prep"] { if let range = tables[copied] { out[copied] = Array(data[range]) } }
        // post version 3: no glyph names.
        if let post = tables["post"] {
            var header = Array(data[post.lowerBound..<min(post.lowerBound + 32, post.upperBound)])
            if header.count == 32 { header.replace(at: 0, u32: 0x0003_0000); out["post"] = header }
        }
        return Subset(bytes: Self.assemble(out), newID: newID, originals: order)
    }

    func outlineRange(of glyph: UInt16, _ reader: ByteReader) throws -> Range<Int> {
        let loca = tables["loca"]!.lowerBound, glyf = tables["glyf"]!.lowerBound
        let index = Int(glyph)
        let (start, end) = longLoca
            ? (Int(try reader.u32(at: loca + index * 4)), Int(try reader.u32(at: loca + index * 4 + 4)))
            : (Int(try reader.u16(at: loca + index * 2)) * 2, Int(try reader.u16(at: loca + index * 2 + 2)) * 2)
        guard start <= end, glyf + end <= tables["glyf"]!.upperBound else { throw FormatError(description: "字形\(glyph)的位置无效") }
        return (glyf + start)..<(glyf + end)
    }

    // Composite glyph flags (OpenType "glyf" table).
    static let argsAreWords: UInt16 = 0x0001, hasScale: UInt16 = 0x0008, moreComponents: UInt16 = 0x0020
    static let hasXYScale: UInt16 = 0x0040, hasTwoByTwo: UInt16 = 0x0080

    /// Offsets (in the outline) of each component's glyph index, when the glyph is a composite.
    static func componentOffsets(_ outline: [UInt8]) throws -> [Int] {
        guard outline.count >= 10 else { return [] }
        let reader = ByteReader(outline)
        guard try reader.i16(at: 0) < 0 else { return [] }
        var offsets: [Int] = []
        var position = 10
        while true {
            let flags = try reader.u16(at: position)
            offsets.append(position + 2)
            position += 4 + ((flags & argsAreWords) != 0 ? 4 : 2)
            if flags & hasScale != 0 { position += 2 } else if flags & hasXYScale != 0 { position += 4 } else if flags & hasTwoByTwo != 0 { position += 8 }
            if flags & moreComponents == 0 { break }
        }
        return offsets
    }

    func components(of glyph: UInt16, _ reader: ByteReader) throws -> [UInt16] {
        let outline = Array(data[try outlineRange(of: glyph, reader)])
        let local = ByteReader(outline)
        return try Self.componentOffsets(outline).map { try local.u16(at: $0) }
    }

    func renumberComponents(_ outline: inout [UInt8], newID: [UInt16: UInt16]) throws {
        let local = ByteReader(outline)
        for offset in try Self.componentOffsets(outline) {
            outline.replace(at: offset, u16: newID[try local.u16(at: offset)] ?? 0)
        }
    }

    /// Writes a font file from its tables (sorted by tag, 4-byte aligned, with checksums).
    static func assemble(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted()
        var entrySelector = 0
        while (1 << (entrySelector + 1)) <= tags.count { entrySelector += 1 }
        let searchRange = (1 << entrySelector) * 16
        var out: [UInt8] = []
        out.append(u32: 0x0001_0000)
        out.append(u16: UInt16(tags.count))
        out.append(u16: UInt16(searchRange))
        out.append(u16: UInt16(entrySelector))
        out.append(u16: UInt16(tags.count * 16 - searchRange))
        var offset = 12 + tags.count * 16
        var body: [UInt8] = []
        var headOffset = 0
        for tag in tags {
            let table = tables[tag]!
            out += Array(tag.utf8)
            out.append(u32: checksum(table))
            out.append(u32: UInt32(offset))
            out.append(u32: UInt32(table.count))
            if tag == "head" { headOffset = offset }
            var padded = table
            while padded.count % 4 != 0 { padded.append(0) }
            body += padded
            offset += padded.count
        }
        out += body
        out.replace(at: headOffset + 8, u32: 0xB1B0_AFBA &- checksum(out))
        return out
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var index = 0
        while index < bytes.count {
            var word: UInt32 = 0
            for byte in 0..<4 { word = (word << 8) | UInt32(index + byte < bytes.count ? bytes[index + byte] : 0) }
            sum &+= word
            index += 4
        }
        return sum
    }

    // MARK: cmap and name

    static func readCharacterMap(_ reader: ByteReader, table: Range<Int>) throws -> [UInt32: UInt16] {
        let base = table.lowerBound
        let count = Int(try reader.u16(at: base + 2))
        var format4: Int?
        var format12: Int?
        for index in 0..<count {
            let record = base + 4 + index * 8
            let platform = try reader.u16(at: record), encoding = try reader.u16(at: record + 2)
            let offset = base + Int(try reader.u32(at: record + 4))
            let format = try reader.u16(at: offset)
            if format == 12, platform == 3 || platform == 0 { format12 = offset }
            if format == 4, platform == 3 && encoding == 1 || platform == 0 { format4 = format4 ?? offset }
        }
        var map: [UInt32: UInt16] = [:]
        if let offset = format12 {
            let groups = Int(try reader.u32(at: offset + 12))
            for group in 0..<groups {
                let entry = offset + 16 + group * 12
                let first = try reader.u32(at: entry), last = try reader.u32(at: entry + 4), glyph = try reader.u32(at: entry + 8)
                guard last >= first, last - first < 0x11_0000 else { continue }
                for code in first...last { map[code] = UInt16(truncatingIfNeeded: glyph + (code - first)) }
            }
        } else if let offset = format4 {
            let segments = Int(try reader.u16(at: offset + 6)) / 2
            let ends = offset + 14, starts = ends + segments * 2 + 2, deltas = starts + segments * 2, ranges = deltas + segments * 2
            for segment in 0..<segments {
                let end = try reader.u16(at: ends + segment * 2), start = try reader.u16(at: starts + segment * 2)
                let delta = try reader.u16(at: deltas + segment * 2), rangeOffset = try reader.u16(at: ranges + segment * 2)
                guard start <= end, start != 0xFFFF else { continue }
                for code in start...end {
                    var glyph: UInt16
                    if rangeOffset == 0 {
                        glyph = code &+ delta
                    } else {
                        let address = ranges + segment * 2 + Int(rangeOffset) + Int(code - start) * 2
                        glyph = try reader.u16(at: address)
                        if glyph != 0 { glyph = glyph &+ delta }
                    }
                    if glyph != 0 { map[UInt32(code)] = glyph }
                }
            }
        } else {
            throw FormatError(description: "字体没有Unicode字符映射表")
        }
        return map
    }

    static func readPostScriptName(_ reader: ByteReader, table: Range<Int>?) throws -> String? {
        guard let table else { return nil }
        let base = table.lowerBound
        let count = Int(try reader.u16(at: base + 2)), strings = base + Int(try reader.u16(at: base + 4))
        for index in 0..<count {
            let record = base + 6 + index * 12
            guard try reader.u16(at: record + 6) == 6 else { continue }
            let platform = try reader.u16(at: record)
            let length = Int(try reader.u16(at: record + 8)), offset = strings + Int(try reader.u16(at: record + 10))
            let bytes = try reader.bytes(offset..<(offset + length))
            let name: String
            if platform == 3 || platform == 0 {
                name = String(decoding: stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }, as: UTF16.self)
            } else {
                name = String(decoding: bytes, as: UTF8.self)
            }
            let cleaned = String(name.unicodeScalars.filter { $0.isASCII && $0.value > 32 && !"()<>[]{}/%#".unicodeScalars.contains($0) }.map(Character.init))
            if !cleaned.isEmpty { return cleaned }
        }
        return nil
    }
}

/// Big-endian reads that fail instead of trapping on a truncated font.
struct ByteReader {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func check(_ offset: Int, _ count: Int) throws {
        guard offset >= 0, offset + count <= bytes.count else { throw TrueTypeFont.FormatError(description: "字体文件不完整（偏移\(offset)）") }
    }
    func u16(at offset: Int) throws -> UInt16 {
        try check(offset, 2)
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
    func i16(at offset: Int) throws -> Int16 { Int16(bitPattern: try u16(at: offset)) }
    func u32(at offset: Int) throws -> UInt32 {
        try check(offset, 4)
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
    func tag(at offset: Int) throws -> String {
        try check(offset, 4)
        return String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
    }
    func bytes(_ range: Range<Int>) throws -> [UInt8] {
        try check(range.lowerBound, range.count)
        return Array(bytes[range])
    }
}

extension Array where Element == UInt8 {
    mutating func append(u16 value: UInt16) { append(UInt8(value >> 8)); append(UInt8(value & 0xFF)) }
    mutating func append(u32 value: UInt32) { append(u16: UInt16(value >> 16)); append(u16: UInt16(value & 0xFFFF)) }
    mutating func replace(at offset: Int, u16 value: UInt16) { self[offset] = UInt8(value >> 8); self[offset + 1] = UInt8(value & 0xFF) }
    mutating func replace(at offset: Int, u32 value: UInt32) {
        replace(at: offset, u16: UInt16(value >> 16))
        replace(at: offset + 2, u16: UInt16(value & 0xFFFF))
    }
}
