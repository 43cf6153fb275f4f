/// A judged result: the verdict and a sentence for the inspection report
/// ("浑浊度 1.6 NTU 超过限值 1 NTU").
public struct WaterEvaluation: Sendable, Equatable {
    public let verdict: WaterVerdict
    public let explanation: String

    public init(verdict: WaterVerdict, explanation: String) {
        self.verdict = verdict
        self.explanation = explanation
    }
}
