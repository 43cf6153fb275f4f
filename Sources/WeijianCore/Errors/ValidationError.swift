/// A rejected input: names the field, the rule it broke and a message for the user in Chinese.
///
/// Every rule in Core reports through this type so that the web, the API and the command line show
/// the same sentence. `code` is stable and meant for API clients and tests.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let code: String
    public let message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public var description: String { "\(field)：\(message)" }
}

/// Several rejected inputs found in one pass, so a form can show all of them at once.
public struct ValidationErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [ValidationError]
    public init(_ errors: [ValidationError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "；") }
}

/// Collects validation errors field by field; `check()` throws them all together.
public struct ValidationCollector: Sendable {
    public private(set) var errors: [ValidationError] = []
    public init() {}

    public mutating func add(_ error: ValidationError) { errors.append(error) }

    /// Runs `rule` and keeps its error instead of stopping at the first one.
    public mutating func run(_ rule: () throws -> Void) {
        do { try rule() } catch let error as ValidationError { errors.append(error) } catch let error as ValidationErrors {
            errors.append(contentsOf: error.errors)
        } catch {
            errors.append(ValidationError(field: "输入", code: "invalid", message: "\(error)"))
        }
    }

    public mutating func require(_ value: String?, field: String) {
        if (value ?? "").trimmed.isEmpty {
            errors.append(ValidationError(field: field, code: "required", message: "必填，不能为空"))
        }
    }

    public func check() throws {
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}
