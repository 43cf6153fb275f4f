/// How a drinking-water limit reads in GB 5749: an upper bound, a lower bound, both, or
/// "不得检出".
public enum WaterLimitKind: String, Sendable, Equatable, CaseIterable {
    /// The value may not exceed `high` (铁 ≤ 0.3 mg/L).
    case maximum
    /// The value may not fall below `low` (末梢水游离氯 ≥ 0.05 mg/L).
    case minimum
    /// The value must lie within `low`…`high` (pH 6.5–8.5).
    case range
    /// 不得检出: any finding fails (总大肠菌群).
    case notDetectable
}
