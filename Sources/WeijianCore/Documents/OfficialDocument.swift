/// An enforcement document (执法文书) in the official A4 layout: the organ and the document's name
/// centred at the top, the 文号 below them, then labelled fields, the body, the signatures of the
/// inspectors and the party, the date and the seal area; "第 i 页 共 n 页" at the foot of each page.
///
/// Every kind of document (现场检查笔录, 卫生监督意见书, and the penalty case's documents) is a list
/// of these blocks; the layout wraps Chinese text by character, keeps closing punctuation off the
/// start of a line (避头), and breaks pages.
public struct OfficialDocument: Sendable, Equatable {
    public enum Block: Sendable, Equatable {
        /// Centred text: the organ's name and the document's title.
        case heading(String, size: Double)
        /// The 文号, right-aligned under the title.
        case number(String)
        /// A labelled value ("被检查单位：…"), wrapped under its value, with an underline.
        case field(label: String, value: String)
        /// Two short labelled values on one line.
        case fieldPair(label: String, value: String, label2: String, value2: String)
        /// A section title in the body ("检查情况：").
        case section(String)
        /// A paragraph with a two-character first-line indent.
        case paragraph(String)
        /// Signature lines: each label with a line to sign on and the date.
        case signatures([String])
        /// The seal area: the organ's name and the date, right-aligned, with a dashed circle for the seal.
        case seal(organ: String, date: String)
        case space(Double)
    }

    public var title: String
    public var blocks: [Block]

    public init(title: String, blocks: [Block]) {
        self.title = title
        self.blocks = blocks
    }

    // Margins after GB/T 9704 (公文格式): 37 mm top, 28 mm left, 26 mm right, 35 mm bottom.
    static let left = 79.0, right = PDFWriter.pageWidth - 74.0, top = PDFWriter.pageHeight - 105.0, bottom = 99.0
    static let bodySize = 12.0, lineHeight = 22.0

    /// The PDF; `date` is the document's date as `yyyyMMdd` (its information dictionary's creation date).
    public func render(font: TrueTypeFont, date: String) throws -> [UInt8] {
        var layout = Layout(font: font)
        for block in blocks { layout.place(block) }
        var writer = PDFWriter(font: font)
        for (index, page) in layout.pages.enumerated() {
            writer.newPage()
            for item in page {
                switch item {
                case .text(let text, let x, let y, let size): writer.text(text, x: x, y: y, size: size)
                case .rule(let x1, let x2, let y): writer.line(x1: x1, y1: y, x2: x2, y2: y, width: 0.5)
                case .seal(let x, let y, let r): writer.circle(x: x, y: y, radius: r)
                }
            }
            let footer = "第 \(index + 1) 页 共 \(layout.pages.count) 页"
            let size = 9.0
            writer.text(footer, x: (PDFWriter.pageWidth - font.width(of: footer, size: size)) / 2, y: 50, size: size)
        }
        return try writer.render(title: title, date: date)
    }

    enum Item: Equatable {
        case text(String, x: Double, y: Double, size: Double)
        case rule(x1: Double, x2: Double, y: Double)
        case seal(x: Double, y: Double, radius: Double)
    }

    struct Layout {
        let font: TrueTypeFont
        var pages: [[Item]] = [[]]
        var y = OfficialDocument.top

        init(font: TrueTypeFont) { self.font = font }

        mutating func need(_ height: Double) {
            if y - height < OfficialDocument.bottom {
                pages.append([])
                y = OfficialDocument.top
            }
        }

        mutating func add(_ item: Item) { pages[pages.count - 1].append(item) }

        /// A labelled value on a rule, wrapped onto further lines when long.
        mutating func field(_ label: String, _ value: String) {
            let size = OfficialDocument.bodySize, left = OfficialDocument.left, right = OfficialDocument.right
            let head = label + "："
            let indent = font.width(of: head, size: size)
            let lines = wrap(value, width: right - left - indent, size: size)
            for (index, line) in (lines.isEmpty ? [""] : lines).enumerated() {
                need(OfficialDocument.lineHeight)
                y -= OfficialDocument.lineHeight
                if index == 0 { add(.text(head, x: left, y: y, size: size)) }
                add(.text(line, x: left + indent, y: y, size: size))
                add(.rule(x1: left + indent, x2: right, y: y - 3))
            }
        }

        mutating func place(_ block: Block) {
            let size = OfficialDocument.bodySize, left = OfficialDocument.left, right = OfficialDocument.right
            switch block {
            case .heading(let text, let headingSize):
                for line in wrap(text, width: right - left, size: headingSize) {
                    need(headingSize * 1.6)
                    y -= headingSize * 1.6
                    add(.text(line, x: (PDFWriter.pageWidth - font.width(of: line, size: headingSize)) / 2, y: y, size: headingSize))
                }
            case .number(let text):
                need(OfficialDocument.lineHeight)
                y -= OfficialDocument.lineHeight
                add(.text(text, x: right - font.width(of: text, size: size), y: y, size: size))
            case .field(let label, let value):
                field(label, value)
            case .fieldPair(let label, let value, let label2, let value2):
                let middle = (left + right) / 2
                let halves = [(left, middle - 8, label, value), (middle, right, label2, value2)]
                // Two fields share a line only when both values fit their half; else each gets its own line.
                let fits = halves.allSatisfy { x, end, label, value in
                    font.width(of: value, size: size) <= end - x - font.width(of: label + "：", size: size)
                }
                if !fits {
                    field(label, value)
                    field(label2, value2)
                    return
                }
                need(OfficialDocument.lineHeight)
                y -= OfficialDocument.lineHeight
                for (x, end, label, value) in halves {
                    let head = label + "："
                    let start = x + font.width(of: head, size: size)
                    add(.text(head, x: x, y: y, size: size))
                    add(.text(fitted(value, width: end - start, size: size), x: start, y: y, size: size))
                    add(.rule(x1: start, x2: end, y: y - 3))
                }
            case .section(let text):
                need(OfficialDocument.lineHeight * 2)
                y -= OfficialDocument.lineHeight * 1.3
                add(.text(text, x: left, y: y, size: size))
            case .paragraph(let text):
                for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                    for line in wrap("　　" + paragraph, width: right - left, size: size) {
                        need(OfficialDocument.lineHeight)
                        y -= OfficialDocument.lineHeight
                        add(.text(line, x: left, y: y, size: size))
                    }
                }
            case .signatures(let labels):
                for label in labels {
                    need(OfficialDocument.lineHeight * 1.6)
                    y -= OfficialDocument.lineHeight * 1.6
                    let head = label + "："
                    let start = left + font.width(of: head, size: size)
                    add(.text(head, x: left, y: y, size: size))
                    add(.rule(x1: start, x2: start + 150, y: y - 3))
                    let date = "年　　月　　日"
                    add(.text(date, x: right - font.width(of: date, size: size), y: y, size: size))
                }
            case .seal(let organ, let date):
                need(110)
                let centre = right - 70
                y -= 40
                add(.seal(x: centre, y: y - 10, radius: 42))
                add(.text(organ, x: centre - font.width(of: organ, size: size) / 2, y: y, size: size))
                y -= OfficialDocument.lineHeight
                add(.text(date, x: centre - font.width(of: date, size: size) / 2, y: y, size: size))
                y -= 40
            case .space(let points):
                y -= points
            }
        }

        /// Lines no wider than `width`; a closing punctuation mark that would start a line stays on the line before.
        func wrap(_ text: String, width: Double, size: Double) -> [String] {
            var lines: [String] = []
            var current = ""
            var currentWidth = 0.0
            for character in text {
                if character.isNewline {
                    lines.append(current)
                    (current, currentWidth) = ("", 0)
                    continue
                }
                let characterWidth = font.width(of: String(character), size: size)
                if currentWidth + characterWidth > width, !current.isEmpty, !Self.noLineStart.contains(character) {
                    lines.append(current)
                    (current, currentWidth) = ("", 0)
                }
                current.append(character)
                currentWidth += characterWidth
            }
            if !current.isEmpty { lines.append(current) }
            return lines
        }

        func fitted(_ text: String, width: Double, size: Double) -> String {
            var result = ""
            for character in text {
                if font.width(of: result + String(character) + "…", size: size) > width { return result + "…" }
                result.append(character)
            }
            return result
        }

        static let noLineStart: Set<Character> = ["，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "”", "’", ",", ".", ";", ":", ")", "〕", "】"]
    }
}
