import Foundation

/// Comma-separated tables (RFC 4180) for import and export.
///
/// The reader accepts what Excel and WPS write: quoted fields with doubled quotes, CRLF or LF line
/// ends, line breaks inside quoted fields. It is lenient where those programs are: a quote inside
/// an unquoted field, or text after a closing quote, is kept as written. Blank lines in the middle
/// stay as rows of one empty field, so row numbers match what the user sees in Excel; one line end
/// at the end of the file does not make a row.
public enum CSVTable {
    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")

    /// Splits decoded CSV text into rows of fields.
    /// - Throws: `ValidationError` with code `csv.quote` naming the row (第N行, counted as Excel
    ///   counts rows) where a quoted field never closes.
    public static func parse(_ text: String) throws -> [[String]] {
        // All delimiters are ASCII, so working on UTF-8 bytes never splits a character.
        let bytes = Array(text.utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var rowStarted = false
        var index = 0

        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRow() {
            endField()
            rows.append(row)
            row = []
            rowStarted = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == carriageReturn || byte == lineFeed {
                endRow()
                index += byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == lineFeed ? 2 : 1
                continue
            }
            rowStarted = true
            if byte == quote, field.isEmpty {
                let rowNumber = rows.count + 1
                index += 1
                var closed = false
                while index < bytes.count {
                    if bytes[index] == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    field.append(bytes[index])
                    index += 1
                }
                guard closed else {
                    throw ValidationError(field: "文件", code: "csv.quote",
                                          message: "第\(rowNumber)行：引号未闭合，请检查该行的双引号是否成对")
                }
            } else if byte == comma {
                endField()
                index += 1
            } else {
                field.append(byte)
                index += 1
            }
        }
        if rowStarted { endRow() }
        return rows
    }

    /// The text of a CSV file: every cell formula-escaped, quoted when it holds a comma, a quote or
    /// a line break, rows ended by CRLF.
    public static func format(_ rows: [[String]]) -> String {
        var text = ""
        for row in rows {
            text += row.map { quoted(FormulaEscaping.escape($0)) }.joined(separator: ",")
            text += "\r\n"
        }
        return text
    }

    /// A CSV file as Excel on Chinese Windows opens correctly: UTF-8 with a byte-order mark (without
    /// it Excel reads the file as GBK and shows mojibake).
    public static func write(_ rows: [[String]]) -> Data {
        Data(TextDecoding.byteOrderMark) + Data(format(rows).utf8)
    }

    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
