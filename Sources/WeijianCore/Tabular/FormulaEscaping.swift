/// Defuses spreadsheet formula injection (CSV injection) in exported cells.
///
/// A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return can be run as a
/// formula when a user opens the export in Excel or WPS, so it gets a leading `'`, which both show
/// as text. A plain number such as `-12.5` or `+86` is left alone: it cannot run anything, and a
/// quote would spoil the figures. The quote is not removed on import, since a value may really
/// start with one.
public enum FormulaEscaping {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell text as it should be written to a CSV or XLSX file.
    public static func escape(_ cell: String) -> String {
        guard let first = cell.first, triggers.contains(first), !isPlainNumber(cell) else { return cell }
        return "'" + cell
    }

    /// An optional sign, digits and at most one decimal point with digits after it.
    static func isPlainNumber(_ text: String) -> Bool {
        var body = Substring(text)
        if let first = body.first, first == "+" || first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
