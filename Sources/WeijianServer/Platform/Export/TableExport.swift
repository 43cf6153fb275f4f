import Foundation
import Vapor
import WeijianCore

/// Any list as a download: CSV (UTF-8 with BOM, for Excel) or XLSX with every cell as text, so
/// credit codes and phone numbers keep their leading zeros; cells that look like formulas are
/// escaped (Core). Every export is audited with what was exported and how many rows.
enum TableExport {
    enum Format: String {
        case csv, xlsx
    }

    static func format(_ req: Request) -> Format { (try? req.query.get(String.self, at: "format")).flatMap(Format.init(rawValue:)) ?? .csv }

    static func response(_ req: Request, name: String, header: [String], rows: [[String]], what: String) async throws -> Response {
        let format = format(req)
        let data: Data
        let contentType: String
        switch format {
        case .csv:
            data = CSVTable.write([header] + rows)
            contentType = "text/csv; charset=utf-8"
        case .xlsx:
            data = try XLSXWriter.write(header: header, rows: rows, sheetName: name)
            contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        try await req.audit(.dataExport, target: ("export", what), details: ["format": format.rawValue, "rows": "\(rows.count)",
                                                                              "query": req.url.query.map { $0.removingPercentEncoding ?? $0 } ?? ""])
        let stamp = LocalDate(instant: req.now).description
        let filename = "\(name)-\(stamp).\(format.rawValue)"
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: contentType)
        headers.add(name: .contentDisposition,
                    value: "attachment; filename=\"export.\(format.rawValue)\"; filename*=UTF-8''\(filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "export")")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
