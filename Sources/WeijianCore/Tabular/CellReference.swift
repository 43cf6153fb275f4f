/// A1-style cell references ("C12": column C, row 12) as used inside XLSX sheets.
enum CellReference {
    /// The column letters for a zero-based column index: 0 → "A", 25 → "Z", 26 → "AA".
    static func columnName(_ index: Int) -> String {
        var name = ""
        var number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    /// Zero-based column and (when the reference has one) row of a reference such as "C12";
    /// nil when it does not start with letters.
    static func parse(_ reference: String) -> (column: Int, row: Int?)? {
        let letters = reference.utf8.prefix { (65...90).contains($0) || (97...122).contains($0) }
        // Excel stops at XFD (16,384 columns), three letters.
        guard (1...3).contains(letters.count) else { return nil }
        let column = letters.reduce(0) { $0 * 26 + Int($1 & 0x1F) }
        let digits = reference.utf8.dropFirst(letters.count)
        return (column - 1, Int(Substring(digits)).map { $0 - 1 })
    }
}
