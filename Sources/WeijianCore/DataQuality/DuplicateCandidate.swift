/// Two records that may be the same unit, for a person to confirm or dismiss.
public struct DuplicateCandidate<ID: Hashable & Sendable>: Sendable, Equatable {
    /// The record that came first in the input.
    public let first: ID
    public let second: ID
    public let reason: DuplicateReason
    /// 1 for a shared credit code; otherwise the mean of the name and address similarities.
    public let score: Double

    public init(first: ID, second: ID, reason: DuplicateReason, score: Double) {
        self.first = first
        self.second = second
        self.reason = reason
        self.score = score
    }
}
