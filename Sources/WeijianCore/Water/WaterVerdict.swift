/// The outcome of comparing one result with its limit.
public enum WaterVerdict: String, Sendable, Equatable, CaseIterable {
    /// The result meets the limit.
    case within
    /// Above a maximum or a range's upper bound, or found where it must not be detectable.
    case overLimit
    /// Below a minimum or a range's lower bound.
    case underLimit
    /// The result cannot be judged, e.g. "<2" against a limit of 1, or "检出" without a number.
    case indeterminate

    /// The word a report prints.
    public var label: String {
        switch self {
        case .within: "合格"
        case .overLimit: "超标"
        case .underLimit: "低于限值"
        case .indeterminate: "无法判定"
        }
    }
}
