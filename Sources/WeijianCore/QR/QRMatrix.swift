extension QRCode {
    /// The module grid while it is drawn: which modules are dark, and which belong to function
    /// patterns (finders, timing, alignment, format and version information) that data and masks
    /// leave alone.
    struct Matrix {
        let version: Int
        let size: Int
        var dark: [[Bool]]
        var function: [[Bool]]

        init(version: Int) {
            self.version = version
            size = version * 4 + 17
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            function = dark
        }

        mutating func set(_ column: Int, _ row: Int, _ isDark: Bool) {
            dark[row][column] = isDark
            function[row][column] = true
        }

        mutating func drawFunctionPatterns() {
            for index in 0..<size {
                set(6, index, index % 2 == 0)
                set(index, 6, index % 2 == 0)
            }
            drawFinder(3, 3)
            drawFinder(size - 4, 3)
            drawFinder(3, size - 4)
            let centres = QRCode.alignmentCentres[version]!
            for (i, x) in centres.enumerated() {
                for (j, y) in centres.enumerated() {
                    let last = centres.count - 1
                    if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                    drawAlignment(x, y)
                }
            }
            // Reserve the format areas (drawn for real once the mask is known) and the dark module.
            drawFormatBits(mask: 0)
            drawVersion()
        }

        mutating func drawFinder(_ x: Int, _ y: Int) {
            for dy in -4...4 {
                for dx in -4...4 {
                    let column = x + dx, row = y + dy
                    guard (0..<size).contains(column), (0..<size).contains(row) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(column, row, distance != 2 && distance != 4)
                }
            }
        }

        mutating func drawAlignment(_ x: Int, _ y: Int) {
            for dy in -2...2 {
                for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
            }
        }

        /// Level M (format bits 00) with `mask`, BCH(15,5) protected, in both copies.
        mutating func drawFormatBits(mask: Int) {
            let data = 0 << 3 | mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            for index in 0...5 { set(8, index, bit(index)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for index in 9..<15 { set(14 - index, 8, bit(index)) }
            for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
            for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
            set(8, size - 8, true)
        }

        /// Versions 7 and up carry their number, BCH(18,6) protected, beside two finders.
        mutating func drawVersion() {
            guard version >= 7 else { return }
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for index in 0..<18 {
                let isDark = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3, b = index / 3
                set(a, b, isDark)
                set(b, a, isDark)
            }
        }

        /// Places the codewords in the zigzag from the bottom-right corner, two columns at a time.
        mutating func drawCodewords(_ codewords: [UInt8]) {
            var bitIndex = 0
            let totalBits = codewords.count * 8
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for offset in 0..<2 {
                        let column = right - offset
                        let upward = (right + 1) & 2 == 0
                        let row = upward ? size - 1 - vertical : vertical
                        guard !function[row][column] else { continue }
                        if bitIndex < totalBits {
                            dark[row][column] = (codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1 == 1
                            bitIndex += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func applyMask(_ mask: Int) {
            for row in 0..<size {
                for column in 0..<size where !function[row][column] {
                    let (i, j) = (row, column)
                    let flip: Bool
                    switch mask {
                    case 0: flip = (i + j) % 2 == 0
                    case 1: flip = i % 2 == 0
                    case 2: flip = j % 3 == 0
                    case 3: flip = (i + j) % 3 == 0
                    case 4: flip = (i / 2 + j / 3) % 2 == 0
                    case 5: flip = (i * j) % 2 + (i * j) % 3 == 0
                    case 6: flip = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                    default: flip = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                    }
                    if flip { dark[row][column].toggle() }
                }
            }
        }

        /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, and the
        /// balance of dark and light.
        func penalty() -> Int {
            var total = 0
            let lines = dark + (0..<size).map { column in (0..<size).map { dark[$0][column] } }
            let finderLike: [[Bool]] = [
                [true, false, true, true, true, false, true, false, false, false, false],
                [false, false, false, false, true, false, true, true, true, false, true],
            ]
            for line in lines {
                var run = 1
                for index in 1..<line.count {
                    if line[index] == line[index - 1] {
                        run += 1
                    } else {
                        if run >= 5 { total += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { total += run - 2 }
                if line.count >= 11 {
                    for start in 0...(line.count - 11) where finderLike.contains(where: { Array(line[start..<start + 11]) == $0 }) {
                        total += 40
                    }
                }
            }
            for row in 0..<(size - 1) {
                for column in 0..<(size - 1) {
                    let colour = dark[row][column]
                    if dark[row][column + 1] == colour && dark[row + 1][column] == colour && dark[row + 1][column + 1] == colour { total += 3 }
                }
            }
            let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
            let percent = darkCount * 100 / (size * size)
            total += abs(percent - 50) / 5 * 10
            return total
        }
    }
}
