/// Text as it must be written into, and is read back from, an Office Open XML part.
///
/// XML 1.0 cannot carry most control characters, so they are dropped. Office additionally reads
/// `_xHHHH_` in cell text as an escaped character (Excel writes a carriage return as `_x000D_`);
/// a literal underscore that would be taken for one is itself escaped as `_x005F_`.
enum OOXMLText {
    /// Cell text escaped for a `<t>` element, underscores included.
    static func escapeCellText(_ text: String) -> String { escape(text, underscores: true) }

    /// Escaped for a double-quoted attribute value such as a sheet name.
    static func escapeAttribute(_ text: String) -> String { escape(text, underscores: false) }

    static func escape(_ text: String, underscores: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            // A raw CR would be turned into LF by every XML parser (XML 1.0 §2.11).
            case "\r": result += "&#13;"
            case "_" where underscores && startsEscape(scalars[(index + 1)...]): result += "_x005F_"
            default:
                if isAllowedInXML(scalar) { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// Text with Office's `_xHHHH_` escapes resolved.
    static func unescape(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", startsEscape(scalars[(index + 1)...]),
               let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)])), radix: 16),
               let decoded = Unicode.Scalar(value) {
                result.append(decoded)
                index += 7
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// Whether the scalars after an underscore read `xHHHH_`.
    static func startsEscape(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        let candidate = rest.prefix(6)
        guard candidate.count == 6, candidate.first == "x", candidate.last == "_" else { return false }
        return candidate.dropFirst().dropLast().allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// XML 1.0 Char production: tab, LF, CR and everything from U+0020 except U+FFFE and U+FFFF
    /// (Swift strings never hold surrogates).
    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
