import Foundation
import Testing
@testable import WeijianCore

/// The duplicate matcher held to a labelled set of 477 pairs of unit records (Fixtures/
/// duplicate-pairs.tsv): how clerks really write one unit twice (traditional characters, a place
/// written short, the legal form dropped, a typo, an address reordered or abbreviated, the district
/// in brackets) and units that only look alike (two shops in one building, branches of a chain,
/// neighbouring numbers, the 人民医院 of two counties). Issue 11 asks precision ≥ 0.95 and recall ≥ 0.9.
@Suite("Duplicate matching on the labelled set")
struct DuplicateDatasetTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The GB/T 2260 table the server loads.
    static let divisions: DivisionIndex = {
        let text = (try? String(contentsOf: repository.appendingPathComponent("Resources/CodeTables/divisions.csv"), encoding: .utf8)) ?? ""
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return DivisionIndex(entries: rows.filter { $0.count >= 3 }.map { ($0[0], $0[1], $0[2]) })
    }()

    struct Pair {
        let same: Bool
        let a: (name: String, address: String)
        let b: (name: String, address: String)
        let kind: String
    }

    static func pairs() throws -> [Pair] {
        let text = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/duplicate-pairs.tsv"),
                              encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count == 6 }
            .map { Pair(same: $0[0] == "1", a: ($0[1], $0[2]), b: ($0[3], $0[4]), kind: $0[5]) }
    }

    @Test("Precision at least 0.95 and recall at least 0.9 on the labelled pairs")
    func precisionAndRecall() throws {
        // given
        let pairs = try Self.pairs()
        let matcher = DuplicateMatcher(divisions: Self.divisions)
        #expect(pairs.count >= 450)
        // when
        var (truePositives, falsePositives, falseNegatives) = (0, 0, 0)
        var wrong: [String] = []
        for pair in pairs {
            let left = matcher.prepare(DuplicateRecord(id: 1, name: pair.a.name, address: pair.a.address, creditCode: nil))
            let right = matcher.prepare(DuplicateRecord(id: 2, name: pair.b.name, address: pair.b.address, creditCode: nil))
            let verdict = matcher.compare(left, right)
            switch (verdict.score != nil, pair.same) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1; wrong.append("FP [\(pair.kind)] \(pair.a) ~ \(pair.b)")
            case (false, true): falseNegatives += 1; wrong.append("FN [\(pair.kind)] \(pair.a) ~ \(pair.b): \(verdict)")
            case (false, false): break
            }
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        // then
        #expect(precision >= 0.95, "precision \(precision); \(wrong.prefix(20).joined(separator: "\n"))")
        #expect(recall >= 0.9, "recall \(recall); \(wrong.prefix(20).joined(separator: "\n"))")
        print("duplicate-pairs.tsv: precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall)); misclassified:\n" + wrong.joined(separator: "\n"))
    }

    @Test("The weekly run finds the labelled duplicates among all the set's records, in blocks")
    func blockedRunFindsThePairs() throws {
        // given: every distinct record of the set, as the weekly run sees a registry
        let pairs = try Self.pairs()
        var index: [String: Int] = [:]
        var records: [DuplicateRecord<Int>] = []
        func id(_ record: (name: String, address: String)) -> Int {
            let key = record.name + "\t" + record.address
            if let found = index[key] { return found }
            records.append(DuplicateRecord(id: records.count, name: record.name, address: record.address, creditCode: nil))
            index[key] = records.count - 1
            return records.count - 1
        }
        let labelled = pairs.map { (same: $0.same, a: id($0.a), b: id($0.b)) }
        let matcher = DuplicateMatcher(divisions: Self.divisions)
        // when
        let found = Set(matcher.candidates(in: records).map { [min($0.first, $0.second), max($0.first, $0.second)] })
        // then
        let positives = labelled.filter(\.same)
        let recalled = positives.filter { found.contains([min($0.a, $0.b), max($0.a, $0.b)]) }.count
        let wronglyFound = labelled.filter { !$0.same && found.contains([min($0.a, $0.b), max($0.a, $0.b)]) }.count
        #expect(Double(recalled) / Double(positives.count) >= 0.9)
        #expect(wronglyFound == 0)
    }

    @Test("The issue's example: a 有限责任公司 registered without a credit code beside the 有限公司")
    func theIssuesExample() {
        let matcher = DuplicateMatcher(divisions: Self.divisions)
        let registered = DuplicateRecord(id: "a", name: "福州鼓楼康乐宾馆有限公司", address: "福州市鼓楼区五四路128号", creditCode: nil)
        let new = DuplicateRecord(id: "b", name: "福州鼓楼康乐宾馆有限责任公司", address: "福州市鼓楼区五四路128号", creditCode: nil)
        let neighbour = DuplicateRecord(id: "c", name: "福州鼓楼康乐足浴有限公司", address: "福州市鼓楼区五四路128号", creditCode: nil)
        #expect(matcher.matches(for: new, among: [registered, neighbour]).map(\.second) == ["a"])
    }
}
