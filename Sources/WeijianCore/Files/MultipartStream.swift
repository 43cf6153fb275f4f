#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A multipart/form-data body read as it arrives, for uploads too large to hold (video evidence):
/// fed chunk by chunk, it reports each part's start (its field name and file name), its bytes and
/// its end. Memory stays at one chunk plus a boundary's length, whatever the body's size.
public struct MultipartStream: Sendable {
    public enum Event: Equatable, Sendable {
        case part(name: String, fileName: String?)
        case body([UInt8])
        case partEnd
    }

    public enum Failure: Error, Equatable, Sendable {
        case syntax
        case headersTooLong
    }

    enum State { case preamble, afterDelimiter, headers, body, done }

    /// `\r\n--boundary`: what ends a part's bytes.
    let delimiter: [UInt8]
    var pending: [UInt8]
    var state = State.preamble
    /// Whether the closing boundary was seen.
    public var isComplete: Bool { state == .done }

    public init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The body opens with `--boundary`, without the line break before it: supply one.
        pending = [13, 10]
    }

    /// Feeds the next bytes of the body; returns what they completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch state {
            case .preamble:
                guard let at = Self.find(delimiter, in: pending) else {
                    pending.removeFirst(max(0, pending.count - delimiter.count))
                    return events
                }
                pending.removeFirst(at + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard pending.count >= 2 else { return events }
                if pending[0] == 0x2D, pending[1] == 0x2D {
                    state = .done
                    pending = []
                    return events
                }
                guard pending[0] == 13, pending[1] == 10 else { throw Failure.syntax }
                pending.removeFirst(2)
                state = .headers
            case .headers:
                guard let end = Self.find([13, 10, 13, 10], in: pending) else {
                    if pending.count > 16 * 1024 { throw Failure.headersTooLong }
                    return events
                }
                let headers = String(decoding: pending[..<end], as: UTF8.self)
                guard let name = Self.parameter("name", in: headers) else { throw Failure.syntax }
                events.append(.part(name: name, fileName: Self.parameter("filename", in: headers)))
                pending.removeFirst(end + 4)
                state = .body
            case .body:
                if let at = Self.find(delimiter, in: pending) {
                    if at > 0 { events.append(.body(Array(pending[..<at]))) }
                    events.append(.partEnd)
                    pending.removeFirst(at + delimiter.count)
                    state = .afterDelimiter
                    continue
                }
                // Keep what could be the start of a delimiter split across chunks.
                let safe = pending.count - (delimiter.count - 1)
                if safe > 0 {
                    events.append(.body(Array(pending[..<safe])))
                    pending.removeFirst(safe)
                }
                return events
            case .done:
                pending = []
                return events
            }
        }
    }

    /// The first position of `needle` in `haystack` (memchr for its first byte, then memcmp).
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pin -> Int? in
                guard let base = hay.baseAddress, let first = pin.baseAddress else { return nil }
                var offset = 0
                let last = hay.count - pin.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(pin[0]), last - offset + 1) else { return nil }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + at, first, pin.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
        }
    }

    /// A parameter of the part's Content-Disposition header (`name`, `filename`).
    static func parameter(_ key: String, in headers: String) -> String? {
        for line in headers.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("content-disposition:") {
            for piece in line.split(separator: ";").dropFirst() {
                let pair = piece.drop { $0 == " " || $0 == "\t" }
                guard pair.hasPrefix(key + "=") else { continue }
                var value = pair.dropFirst(key.count + 1)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                return String(value)
            }
        }
        return nil
    }
}
