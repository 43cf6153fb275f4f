import Testing
@testable import WeijianCore

/// Property tests draw from a seeded generator so a failure can be reproduced from its seed.
typealias SeededGenerator = SeededRandom

extension SeededGenerator {
    /// A string of `count` characters drawn from `alphabet`.
    mutating func string(from alphabet: [Character], count: Int) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &self)! })
    }
}

/// Parses a `YYYY-MM-DD` test date, failing the test (not crashing) when the text is wrong.
func date(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> LocalDate {
    try #require(LocalDate(text), "bad test date \(text)", sourceLocation: sourceLocation)
}
