/// A QR code (ISO/IEC 18004) in byte mode with error correction level M, versions 1 to 10: enough
/// for an `otpauth://` URI (up to 213 bytes), so a staff member scans the second-factor key
/// instead of typing 32 characters. No listed Swift package encodes QR codes; this is the
/// standard's algorithm, checked in the tests by decoding the rendered image with `zbarimg`.
public struct QRCode: Sendable, Equatable {
    public enum EncodingError: Error, Equatable {
        /// The data needs more than version 10 holds at level M.
        case tooLong(bytes: Int, capacity: Int)
    }

    /// 1…10.
    public let version: Int
    /// 0…7, chosen by the lowest penalty.
    public let mask: Int
    /// `modules[row][column]`, true = dark.
    public let modules: [[Bool]]

    public var size: Int { modules.count }

    /// Error-correction layout at level M: (EC codewords per block, blocks of group 1, data codewords
    /// per group-1 block, blocks of group 2, data codewords per group-2 block).
    static let blocksM: [Int: (ec: Int, count1: Int, data1: Int, count2: Int, data2: Int)] = [
        1: (10, 1, 16, 0, 0), 2: (16, 1, 28, 0, 0), 3: (26, 1, 44, 0, 0), 4: (18, 2, 32, 0, 0), 5: (24, 2, 43, 0, 0),
        6: (16, 4, 27, 0, 0), 7: (18, 4, 31, 0, 0), 8: (22, 2, 38, 2, 39), 9: (22, 3, 36, 2, 37), 10: (26, 4, 43, 1, 44),
    ]

    static let alignmentCentres: [Int: [Int]] = [
        1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34], 7: [6, 22, 38], 8: [6, 24, 42], 9: [6, 26, 46], 10: [6, 28, 50],
    ]

    static func dataCodewords(version: Int) -> Int {
        let layout = blocksM[version]!
        return layout.count1 * layout.data1 + layout.count2 * layout.data2
    }

    /// Bytes that fit at `version` in byte mode.
    public static func capacity(version: Int) -> Int {
        (dataCodewords(version: version) * 8 - 4 - (version <= 9 ? 8 : 16)) / 8
    }

    /// Encodes text as UTF-8 bytes.
    public init(text: String) throws {
        try self.init(bytes: Array(text.utf8))
    }

    /// Encodes bytes in the smallest version that holds them.
    public init(bytes: [UInt8]) throws {
        guard let version = (1...10).first(where: { Self.capacity(version: $0) >= bytes.count }) else {
            throw EncodingError.tooLong(bytes: bytes.count, capacity: Self.capacity(version: 10))
        }
        let codewords = Self.interleave(Self.dataCodewords(bytes, version: version), version: version)
        var matrix = Matrix(version: version)
        matrix.drawFunctionPatterns()
        matrix.drawCodewords(codewords)
        var best: (mask: Int, penalty: Int, matrix: Matrix)?
        for mask in 0..<8 {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate) }
        }
        self.version = version
        self.mask = best!.mask
        self.modules = best!.matrix.dark
    }

    // MARK: data

    /// Mode, count, bytes, terminator and padding, as data codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacityBits = dataCodewords(version: version) * 8
        append(0, min(4, capacityBits - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var result: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while result.count < dataCodewords(version: version) {
            result.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return result
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords, and interleaves.
    static func interleave(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = blocksM[version]!
        var blocks: [[UInt8]] = []
        var offset = 0
        for (count, length) in [(layout.count1, layout.data1), (layout.count2, layout.data2)] {
            for _ in 0..<count {
                blocks.append(Array(data[offset..<offset + length]))
                offset += length
            }
        }
        let divisor = ReedSolomon.divisor(degree: layout.ec)
        let ecBlocks = blocks.map { ReedSolomon.remainder($0, divisor: divisor) }
        var result: [UInt8] = []
        for index in 0..<(blocks.map(\.count).max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<layout.ec {
            for block in ecBlocks { result.append(block[index]) }
        }
        return result
    }

    // MARK: rendering

    /// An SVG drawing (one path) with a quiet zone of four modules, scaled to `pixels` wide.
    public func svg(pixels: Int = 200, title: String = "二维码") -> String {
        let quiet = 4
        let total = size + 2 * quiet
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard modules[row][column] else { column += 1; continue }
                var end = column
                while end < size && modules[row][end] { end += 1 }
                path += "M\(column + quiet) \(row + quiet)h\(end - column)v1h-\(end - column)z"
                column = end
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(total) \(total)" width="\(pixels)" height="\(pixels)" \
            shape-rendering="crispEdges" role="img" aria-label="\(title)"><title>\(title)</title>\
            <rect width="\(total)" height="\(total)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
