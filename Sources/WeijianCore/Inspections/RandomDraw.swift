import Crypto

/// 双随机、一公开: draws units from the unit register and, for each, at least two inspectors from
/// the inspector register, honouring recusal. A draw is a pure function of its inputs — the two
/// registers as they were, the shares, the seed and this algorithm's version — so anyone holding
/// the record can repeat it and get the same targets and inspectors.
public enum RandomDraw {
    /// Changes whenever the algorithm would draw differently from the same inputs.
    public static let algorithm = "weijian-draw-1 (SplitMix64, Fisher–Yates over id-sorted registers)"

    public struct Unit: Codable, Sendable, Equatable {
        public let id: String
        public let category: String
        /// Inspectors who may not inspect it: declared conflicts, complaint handlers.
        public let recused: [String]
        public init(id: String, category: String, recused: [String] = []) {
            self.id = id
            self.category = category
            self.recused = recused
        }
    }

    public struct Inspector: Codable, Sendable, Equatable {
        public let id: String
        /// The department (科室), so a pair comes from different sections where possible.
        public let section: String
        public init(id: String, section: String) {
            self.id = id
            self.section = section
        }
    }

    public struct Target: Codable, Sendable, Equatable {
        public let unitID: String
        public let inspectors: [String]
    }

    /// SHA-256 over both registers in a canonical order: what the draw record keeps.
    public static func snapshot(units: [Unit], inspectors: [Inspector]) -> String {
        var lines = units.sorted { $0.id < $1.id }.map { "U|\($0.id)|\($0.category)|\($0.recused.sorted().joined(separator: ","))" }
        lines += inspectors.sorted { $0.id < $1.id }.map { "I|\($0.id)|\($0.section)" }
        return Hex.encode(SHA256.hash(data: Array(lines.joined(separator: "\n").utf8)))
    }

    /// Units of each category in `shares` (percent, 0 < share ≤ 100), the number drawn rounded up,
    /// and `perTarget` inspectors for each. Refuses a share out of range and a unit that has fewer
    /// eligible inspectors than needed, naming it.
    public static func draw(units: [Unit], inspectors: [Inspector], shares: [String: Double], perTarget: Int = 2, seed: UInt64) throws -> [Target] {
        var errors: [ValidationError] = []
        for (category, share) in shares.sorted(by: { $0.key < $1.key }) where !(share > 0 && share <= 100) {
            errors.append(ValidationError(field: "抽取比例（\(category)）", code: "draw.share", message: "应大于0%且不超过100%"))
        }
        if perTarget < 2 {
            errors.append(ValidationError(field: "每户监督员人数", code: "draw.pair", message: "每个检查对象至少2名监督员"))
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        var random = SeededRandom(seed: seed)
        let register = inspectors.sorted { $0.id < $1.id }
        var targets: [Target] = []
        for (category, share) in shares.sorted(by: { $0.key < $1.key }) {
            var candidates = units.filter { $0.category == category }.sorted { $0.id < $1.id }
            let count = Int((Double(candidates.count) * share / 100).rounded(.up))
            shuffle(&candidates, &random)
            for unit in candidates.prefix(count) {
                let recused = Set(unit.recused)
                var eligible = register.filter { !recused.contains($0.id) }
                guard eligible.count >= perTarget else {
                    errors.append(ValidationError(field: "监督员名录", code: "draw.inspectors",
                                                  message: "单位\(unit.id)可抽取的监督员只有\(eligible.count)名（已回避\(recused.count)名），少于每户\(perTarget)名"))
                    continue
                }
                shuffle(&eligible, &random)
                var chosen = [eligible.removeFirst()]
                while chosen.count < perTarget {
                    // From a section not yet in the pair where possible.
                    let sections = Set(chosen.map(\.section))
                    let index = eligible.firstIndex { !sections.contains($0.section) } ?? 0
                    chosen.append(eligible.remove(at: index))
                }
                targets.append(Target(unitID: unit.id, inspectors: chosen.map(\.id)))
            }
        }
        if !errors.isEmpty { throw ValidationErrors(errors) }
        return targets
    }

    static func shuffle<T>(_ items: inout [T], _ random: inout SeededRandom) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            let other = Int(random.next() % UInt64(index + 1))
            items.swapAt(index, other)
        }
    }
}
