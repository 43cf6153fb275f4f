import Crypto

/// A small PDF 1.7 writer for enforcement documents: A4 pages of text in one embedded TrueType font
/// (a subset, as a CID font with Identity-H encoding and a ToUnicode map, so `pdftotext` gives the
/// Chinese back), lines and a seal circle. The output is a pure function of its input — no clock, no
/// random tag — so a document rendered twice from the same record is the same bytes.
public struct PDFWriter: Sendable {
    /// A4 in points.
    public static let pageWidth = 595.28, pageHeight = 841.89

    public enum Mark: Sendable, Equatable {
        case text(x: Double, y: Double, size: Double, glyphs: [UInt16])
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, dashed: Bool)
        case circle(x: Double, y: Double, radius: Double, dashed: Bool)
    }

    public let font: TrueTypeFont
    public private(set) var pages: [[Mark]] = []
    /// Each glyph used and the text it stands for (the ToUnicode map).
    private var glyphText: [UInt16: String] = [:]

    public init(font: TrueTypeFont) { self.font = font }

    public mutating func newPage() { pages.append([]) }

    /// Draws text with its baseline at (x, y), y measured from the bottom of the page.
    public mutating func text(_ text: String, x: Double, y: Double, size: Double) {
        if pages.isEmpty { newPage() }
        var glyphs: [UInt16] = []
        for scalar in text.unicodeScalars {
            let glyph = font.glyph(for: scalar)
            glyphs.append(glyph)
            if glyph != 0, glyphText[glyph] == nil { glyphText[glyph] = String(scalar) }
        }
        pages[pages.count - 1].append(.text(x: x, y: y, size: size, glyphs: glyphs))
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.6, dashed: Bool = false) {
        if pages.isEmpty { newPage() }
        pages[pages.count - 1].append(.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width, dashed: dashed))
    }

    public mutating func circle(x: Double, y: Double, radius: Double, dashed: Bool = true) {
        if pages.isEmpty { newPage() }
        pages[pages.count - 1].append(.circle(x: x, y: y, radius: radius, dashed: dashed))
    }

    /// The document's bytes. `title` and `date` (`D:20261203` form) go into the document information.
    public func render(title: String, date: String) throws -> [UInt8] {
        let used = Set(pages.flatMap { $0.flatMap { mark -> [UInt16] in if case .text(_, _, _, let glyphs) = mark { glyphs } else { [] } } })
        let subset = try font.subset(used.sorted())
        let tag = Self.subsetTag(subset.bytes)
        let name = "/\(tag)+\(font.postScriptName)"
        let scale = 1000.0 / Double(font.unitsPerEm)

        var objects: [[UInt8]] = []
        func add(_ body: String) { objects.append(Array(body.utf8)) }
        func stream(_ dictionary: String, _ content: [UInt8]) -> [UInt8] {
            Array("<< \(dictionary) /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8)
        }
        let pageObjects = (0..<pages.count).map { 9 + $0 * 2 }
        add("<< /Type /Catalog /Pages 2 0 R /Lang (zh-CN) >>")
        add("<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>")
        add("<< /Type /Font /Subtype /Type0 /BaseFont \(name) /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 7 0 R >>")
        let widths = subset.originals.map { Self.number(Double(font.advance(of: $0)) * scale) }.joined(separator: " ")
        add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            + "/FontDescriptor 5 0 R /CIDToGIDMap /Identity /DW 1000 /W [0 [\(widths)]] >>")
        let box = font.boundingBox
        let metrics = [box.0, box.1, box.2, box.3].map { Self.number(Double($0) * scale) }.joined(separator: " ")
        add("<< /Type /FontDescriptor /FontName \(name) /Flags 4 /FontBBox [\(metrics)] /ItalicAngle 0 "
            + "/Ascent \(Self.number(Double(font.ascent) * scale)) /Descent \(Self.number(Double(font.descent) * scale)) "
            + "/CapHeight \(Self.number(Double(font.ascent) * scale)) /StemV 80 /FontFile2 6 0 R >>")
        objects.append(stream("/Length1 \(subset.bytes.count)", subset.bytes))
        objects.append(stream("", Array(toUnicode(subset).utf8)))
        add("<< /Title \(Self.textString(title)) /Producer (Weijian) /CreationDate (D:\(date)) >>")
        for (index, marks) in pages.enumerated() {
            add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.number(Self.pageWidth)) \(Self.number(Self.pageHeight))] "
                + "/Resources << /Font << /F1 3 0 R >> >> /Contents \(pageObjects[index] + 1) 0 R >>")
            objects.append(stream("", Array(content(marks, subset: subset).utf8)))
        }

        var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        let identifier = SHA256.hash(data: out).prefix(16).map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 8 0 R /ID [<\(identifier)> <\(identifier)>] >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }

    func content(_ marks: [Mark], subset: TrueTypeFont.Subset) -> String {
        var ops: [String] = []
        for mark in marks {
            switch mark {
            case .text(let x, let y, let size, let glyphs):
                let hex = glyphs.map { glyph -> String in
                    let id = subset.newID[glyph] ?? 0
                    let digits = String(id, radix: 16, uppercase: true)
                    return String(repeating: "0", count: 4 - digits.count) + digits
                }.joined()
                ops.append("BT /F1 \(Self.number(size)) Tf \(Self.number(x)) \(Self.number(y)) Td <\(hex)> Tj ET")
            case .line(let x1, let y1, let x2, let y2, let width, let dashed):
                ops.append("q \(Self.number(width)) w \(dashed ? "[3 2] 0 d " : "")\(Self.number(x1)) \(Self.number(y1)) m \(Self.number(x2)) \(Self.number(y2)) l S Q")
            case .circle(let x, let y, let r, let dashed):
                // Four Bézier quarter arcs (k = 0.5523 of the radius).
                let k = r * 0.5523
                let n = Self.number
                ops.append("q 0.6 w 0.55 G \(dashed ? "[4 3] 0 d " : "")\(n(x + r)) \(n(y)) m "
                    + "\(n(x + r)) \(n(y + k)) \(n(x + k)) \(n(y + r)) \(n(x)) \(n(y + r)) c "
                    + "\(n(x - k)) \(n(y + r)) \(n(x - r)) \(n(y + k)) \(n(x - r)) \(n(y)) c "
                    + "\(n(x - r)) \(n(y - k)) \(n(x - k)) \(n(y - r)) \(n(x)) \(n(y - r)) c "
                    + "\(n(x + k)) \(n(y - r)) \(n(x + r)) \(n(y - k)) \(n(x + r)) \(n(y)) c S Q")
            }
        }
        return ops.joined(separator: "\n")
    }

    func toUnicode(_ subset: TrueTypeFont.Subset) -> String {
        var entries: [String] = []
        for (newID, original) in subset.originals.enumerated() where newID > 0 {
            guard let text = glyphText[original] else { continue }
            let units = text.utf16.map { unit -> String in
                let digits = String(unit, radix: 16, uppercase: true)
                return String(repeating: "0", count: 4 - digits.count) + digits
            }.joined()
            let id = String(newID, radix: 16, uppercase: true)
            entries.append("<\(String(repeating: "0", count: 4 - id.count) + id)> <\(units)>")
        }
        var body = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            + "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            + "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        for start in stride(from: 0, to: entries.count, by: 100) {
            let chunk = entries[start..<min(start + 100, entries.count)]
            body += "\(chunk.count) beginbfchar\n" + chunk.joined(separator: "\n") + "\nendbfchar\n"
        }
        return body + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    }

    /// Six capital letters from the subset's content: the PDF convention for a subset font's name.
    static func subsetTag(_ bytes: [UInt8]) -> String {
        String(SHA256.hash(data: bytes).prefix(6).map { Character(Unicode.Scalar(UInt8(65) + $0 % 26)) })
    }

    /// A number with at most two decimals, without exponent or locale.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths) / 100, fraction = abs(hundredths) % 100
        if fraction == 0 { return sign + String(whole) }
        return sign + String(whole) + "." + (fraction < 10 ? "0" : "") + String(fraction).replacingZeros()
    }

    /// A PDF text string in UTF-16BE with byte-order mark, as hex.
    static func textString(_ text: String) -> String {
        "<FEFF" + text.utf16.map { unit in
            let digits = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }.joined() + ">"
    }
}

private extension String {
    /// "50" → "5" for the hundredths part of a number (trailing zero of a fraction).
    func replacingZeros() -> String { hasSuffix("0") && count == 2 ? String(dropLast()) : self }
}
