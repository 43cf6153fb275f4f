/// The character encoding a table file turned out to be in, so an import report can say what it
/// read (an unexpected GB18030 hints that the user saved from an old Excel).
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    /// UTF-8 without a byte-order mark.
    case utf8 = "UTF-8"
    /// UTF-8 with the byte-order mark Excel writes for "CSV UTF-8".
    case utf8WithBOM = "UTF-8 BOM"
    /// GB18030, the superset of GBK and GB2312 that Chinese Windows uses for "CSV".
    case gb18030 = "GB18030"
}
