import Testing
@testable import WeijianCore

@Suite("分段读取上传表单")
struct MultipartStreamTests {
    static let boundary = "----WebKitFormBoundaryX3b"

    static func body(file: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        func add(_ text: String) { out += Array(text.utf8) }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken-1\r\n")
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"执法记录仪 01.mp4\"\r\nContent-Type: video/mp4\r\n\r\n")
        out += file
        add("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"itemCode\"\r\n\r\n3.2\r\n--\(boundary)--\r\n")
        return out
    }

    /// Feeds `body` in chunks of `size` and gathers each part's name, file name and bytes.
    static func parse(_ body: [UInt8], chunk size: Int) throws -> (parts: [(String, String?, [UInt8])], complete: Bool) {
        var stream = MultipartStream(boundary: boundary)
        var parts: [(String, String?, [UInt8])] = []
        var offset = 0
        while offset < body.count {
            let end = min(offset + size, body.count)
            for event in try stream.feed(body[offset..<end]) {
                switch event {
                case .part(let name, let fileName): parts.append((name, fileName, []))
                case .body(let bytes): parts[parts.count - 1].2 += bytes
                case .partEnd: break
                }
            }
            offset = end
        }
        return (parts, stream.isComplete)
    }

    @Test("Split at any chunk size, the parts come back whole, with names, file names and bytes that contain CR, LF and dashes",
          arguments: [1, 2, 3, 7, 50, 64, 1000, 100_000])
    func chunked(size: Int) throws {
        // given: file bytes with near-boundaries in them
        let file: [UInt8] = Array("\r\n--".utf8) + Array(0...255) + Array("\r\n----WebKitFormBoundaryX3".utf8) + Array(repeating: 13, count: 40)
        let body = Self.body(file: file)

        // when
        let (parts, complete) = try Self.parse(body, chunk: size)

        // then
        #expect(complete)
        #expect(parts.map(\.0) == ["_csrf", "files[]", "itemCode"])
        #expect(parts[1].1 == "执法记录仪 01.mp4")
        #expect(parts[0].2 == Array("token-1".utf8))
        #expect(parts[1].2 == file)
        #expect(parts[2].2 == Array("3.2".utf8))
    }

    @Test("A body cut off before its closing boundary is not complete; a part without a name is a syntax error")
    func incompleteAndBroken() throws {
        let body = Self.body(file: [1, 2, 3])
        #expect(try !Self.parse(Array(body.dropLast(30)), chunk: 10).complete)
        var stream = MultipartStream(boundary: Self.boundary)
        #expect(throws: MultipartStream.Failure.syntax) {
            _ = try stream.feed(Array("--\(Self.boundary)\r\nContent-Disposition: form-data\r\n\r\nx".utf8))
        }
    }
}
