/// When a photo was taken, from its EXIF data (DateTimeOriginal, else DateTime): evidence keeps
/// the capture time beside the upload time (执法全过程记录). Reads JPEG files only; anything it cannot
/// read gives nil, never an error — a photo without EXIF is still evidence.
public enum ExifCaptureTime {
    /// `yyyy-MM-dd HH:mm:ss` as the camera wrote it (local time, no zone).
    public static func read(_ bytes: [UInt8]) -> String? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var position = 2
        while position + 4 <= bytes.count, bytes[position] == 0xFF {
            let marker = bytes[position + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let start = position + 4
            if marker == 0xE1, start + 6 <= bytes.count, Array(bytes[start..<(start + 6)]) == Array("Exif\0\0".utf8) {
                return tiff(bytes, base: start + 6)
            }
            position += 2 + length
        }
        return nil
    }

    static func tiff(_ bytes: [UInt8], base: Int) -> String? {
        guard base + 8 <= bytes.count else { return nil }
        let little = bytes[base] == 0x49
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(little ? at : at + 2), let high = u16(little ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        /// The value of an ASCII tag, or the offset a pointer tag holds, in the IFD at `offset`.
        func entry(_ tag: Int, in offset: Int) -> (count: Int, value: Int)? {
            guard let entries = u16(base + offset), entries < 1000 else { return nil }
            for index in 0..<entries {
                let at = base + offset + 2 + index * 12
                guard let found = u16(at) else { return nil }
                if found == tag, let count = u32(at + 4), let value = u32(at + 8) { return (count, value) }
            }
            return nil
        }
        func text(_ found: (count: Int, value: Int)?) -> String? {
            guard let found, found.count >= 19, base + found.value + 19 <= bytes.count else { return nil }
            let raw = String(decoding: bytes[(base + found.value)..<(base + found.value + 19)], as: UTF8.self)
            // "2026:12:03 09:41:00" → "2026-12-03 09:41:00"; a blank or zeroed field is no time.
            let parts = raw.split(whereSeparator: { $0 == ":" || $0 == " " })
            guard parts.count == 6, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), parts[0] != "0000" else { return nil }
            return "\(parts[0])-\(parts[1])-\(parts[2]) \(parts[3]):\(parts[4]):\(parts[5])"
        }
        guard let ifd0 = u32(base + 4) else { return nil }
        if let exif = entry(0x8769, in: ifd0), let original = text(entry(0x9003, in: exif.value)) { return original }
        return text(entry(0x0132, in: ifd0))
    }
}
