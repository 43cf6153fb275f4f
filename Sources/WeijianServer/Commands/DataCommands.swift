import Fluent
import Foundation
import Vapor
import WeijianCore

/// `weijian import units|licences FILE [--dry-run] [--update-existing]`: the same checks as the
/// web import; the validation report goes to standard output as CSV when a row is wrong, and the
/// exit status is non-zero unless the file was valid.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "units | licences")
        var kind: String
        @Argument(name: "file", help: "CSV（UTF-8或GBK）或 XLSX 文件")
        var file: String
        @Flag(name: "dry-run", help: "只检查，不保存")
        var dryRun: Bool
        @Flag(name: "update-existing", help: "信用代码或许可证号已登记时，作为变更导入")
        var updateExisting: Bool
        @Option(name: "report", help: "检查报告另存为CSV文件")
        var report: String?
    }

    var help: String {
        """
        批量导入（全部行正确才保存；一次导入记一条审计日志）：
          weijian import units 单位.csv --dry-run
          weijian import units 单位.xlsx [--update-existing] [--report 报告.csv]
          weijian import licences 许可证.csv
        """
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        guard let kind = ImportReport.Kind(rawValue: signature.kind) else { throw CommandError(message: "未知的导入内容“\(signature.kind)”。\n\n\(help)") }
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandError(message: "无法读取文件：\(signature.file)") }
        let options = EntityImport.Options(dryRun: signature.dryRun, updateExisting: signature.updateExisting)
        let filename = (signature.file as NSString).lastPathComponent
        let report = kind == .units
            ? try await EntityImport.run(data: data, filename: filename, options: options, by: .system(app))
            : try await LicenseImport.run(data: data, filename: filename, options: options, by: .system(app))
        if let path = signature.report { try report.csv.write(to: URL(fileURLWithPath: path)) }
        if !report.isValid {
            context.console.output(text: String(decoding: CSVTable.write([["行号", "列", "规则", "问题"]] + report.issues.map { [String($0.row), $0.column, $0.rule, $0.message] }).dropFirst(3), as: UTF8.self))
            throw CommandError(message: report.summary)
        }
        context.console.output(text: report.summary)
    }
}

/// `weijian quality run | duplicates`: the data-quality run, or the open duplicate pairs as CSV.
struct QualityCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "run | duplicates")
        var action: String
    }

    var help: String {
        """
        数据清洗：
          weijian quality run          检查重复、缺项和错误（与每周定时检查相同）
          weijian quality duplicates   以CSV输出待处理的疑似重复单位
        """
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Migrations.run(on: app)
        switch signature.action {
        case "run":
            let summary = try await DataQualityQueries.run(trigger: "命令行", by: .system(app))
            context.console.output(text: "检查单位\(summary.units)户：疑似重复\(summary.duplicates)对，缺项\(summary.gaps)条，错误\(summary.errors)条，提示\(summary.warnings)条")
        case "duplicates":
            let pairs = try await DataQualityQueries.pairs(includeDecided: false, scope: .unrestricted, pageSize: 1_000_000, on: app.db).rows
            let rows = [["编号", "原因", "相似度", "单位一", "信用代码一", "地址一", "单位二", "信用代码二", "地址二"]]
                + pairs.map { [String($0.id), $0.reason, $0.score, $0.first.name, $0.first.creditCode, $0.first.address, $0.second.name, $0.second.creditCode, $0.second.address] }
            context.console.output(text: CSVTable.format(rows))
        default:
            throw CommandError(message: "未知操作“\(signature.action)”。\n\n\(help)")
        }
    }
}

/// `weijian attachments verify`: reads every stored attachment and checks it against its SHA-256
/// name (the weekly fixity job does the same); non-zero exit when a file is missing or altered.
struct AttachmentsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String
    }

    var help: String { "附件库校验：\n  weijian attachments verify   逐个读取附件并核对SHA-256，缺失或损坏时以非零状态退出；\n                               无记录引用且超过24小时的文件（保存失败时留下）被清除" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard signature.action == "verify" else { throw CommandError(message: "未知操作“\(signature.action)”。\n\n\(help)") }
        try await Migrations.run(on: app)
        let report = try await Attachments.verifyAll(directory: app.weijianSettings.attachmentsDirectory, crypto: app.keyStore.fieldCrypto, on: app.db)
        for problem in report.problems { context.console.output(text: problem) }
        if report.removedOrphans > 0 { context.console.output(text: "已清除\(report.removedOrphans)个无记录引用、超过24小时的文件") }
        guard report.problems.isEmpty else { throw CommandError(message: "附件库校验：\(report.checked)个文件中\(report.problems.count)个缺失或损坏") }
        context.console.output(text: "附件库校验：\(report.checked)个文件完好")
    }
}
