/// The character pairs of a string as a sorted multiset, for Dice similarity:
/// 2 × shared pairs ÷ (pairs of one + pairs of the other).
struct Bigrams: Sendable {
    let grams: [UInt64]

    /// A string of one character counts as one "pair" of itself, so short names still compare.
    init(_ text: String) {
        let scalars = text.unicodeScalars.map { UInt64($0.value) }
        if scalars.count == 1 {
            grams = [scalars[0] << 32]
        } else {
            grams = zip(scalars, scalars.dropFirst()).map { $0 << 32 | $1 }.sorted()
        }
    }

    /// Dice similarity in 0…1; 0 when either string is empty.
    func dice(_ other: Bigrams) -> Double {
        let total = grams.count + other.grams.count
        guard !grams.isEmpty, !other.grams.isEmpty else { return 0 }
        var shared = 0
        var left = 0
        var right = 0
        while left < grams.count, right < other.grams.count {
            if grams[left] == other.grams[right] {
                shared += 1
                left += 1
                right += 1
            } else if grams[left] < other.grams[right] {
                left += 1
            } else {
                right += 1
            }
        }
        return Double(2 * shared) / Double(total)
    }

    /// The best Dice similarity the two sizes allow; cheap to check before `dice`.
    func maximumDice(_ other: Bigrams) -> Double {
        let total = grams.count + other.grams.count
        return total == 0 ? 0 : Double(2 * min(grams.count, other.grams.count)) / Double(total)
    }
}
