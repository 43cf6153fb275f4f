import Foundation
import WeijianCore

/// The append-only witness of audit checkpoints: one signed checkpoint per line, in a file beside
/// the keys (and optionally a second location), never in the database. Whoever rewrites the
/// database, its checkpoint rows and its chain head together still cannot make the log agree with
/// the witness (issue 10).
enum AuditWitness {
    struct Line: Codable {
        let lastSequence: Int64
        let lastHash: String
        let signedAtMillis: Int64
        let keyID: String
        let signature: String
    }

    struct WitnessError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Appends a checkpoint to every witness file and forces it to disk.
    static func append(_ checkpoint: AuditCheckpoint, paths: [String]) throws {
        let line = Line(lastSequence: checkpoint.lastSequence, lastHash: checkpoint.lastHash, signedAtMillis: checkpoint.signedAt.millis,
                        keyID: checkpoint.keyID, signature: checkpoint.signature)
        var bytes = try JSONEncoder.sorted.encode(line)
        bytes.append(0x0A)
        for path in paths {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            guard fd >= 0 else { throw WitnessError(message: "无法写入审计见证文件 \(path)") }
            defer { close(fd) }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count, fsync(fd) == 0 else { throw WitnessError(message: "写入审计见证文件 \(path) 失败") }
        }
    }

    /// Every checkpoint in the witness files (missing files count as empty). A damaged last line is
    /// an append cut short by a crash and is skipped; a damaged line before it is an error.
    static func read(paths: [String]) throws -> [AuditCheckpoint] {
        var result: [AuditCheckpoint] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
            for (index, raw) in lines.enumerated() {
                guard let line = try? JSONDecoder().decode(Line.self, from: Data(raw)) else {
                    if index == lines.count - 1 { continue }
                    throw WitnessError(message: "审计见证文件 \(path) 第\(index + 1)行已损坏")
                }
                result.append(AuditCheckpoint(lastSequence: line.lastSequence, lastHash: line.lastHash, signedAt: Date(millis: line.signedAtMillis),
                                              keyID: line.keyID, signature: line.signature))
            }
        }
        return result
    }
}
