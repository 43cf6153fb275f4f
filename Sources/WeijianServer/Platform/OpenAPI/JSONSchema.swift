import Foundation
import Vapor

/// A type the API sends or receives, with an example value. The OpenAPI document derives the
/// type's JSON schema from the example (field names, types, which fields may be absent), so the
/// document describes what the code really returns and cannot drift from it.
protocol APIExample: Encodable {
    static var example: Self { get }
}

/// A type whose schema is written out rather than derived (the OpenAPI document itself).
protocol CustomJSONSchema {
    static var schema: [String: Any] { get }
}

extension Array: APIExample where Element: APIExample {
    static var example: [Element] { [Element.example] }
}

/// JSON schemas (OpenAPI 3.1 = JSON Schema 2020-12) of Swift values, by reflection.
enum JSONSchema {
    protocol OptionalValue { static var wrappedType: Any.Type { get } }
    protocol ArrayValue { static var elementType: Any.Type { get } }
    protocol StringDictionary {}
    protocol StringEnumeration { static var rawValues: [String] { get } }

    /// The schema of a type through its example.
    static func of(_ type: any APIExample.Type) -> [String: Any] {
        if let custom = type as? any CustomJSONSchema.Type { return custom.schema }
        return of(value: type.example)
    }

    static func of(value: Any) -> [String: Any] {
        if let schema = primitive(type(of: value)) { return schema }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nullable(of(type: type(of: value))) }
            return nullable(of(value: wrapped))
        case .collection:
            if let first = mirror.children.first?.value { return ["type": "array", "items": of(value: first)] }
            return of(type: type(of: value))
        case .dictionary:
            return ["type": "object", "additionalProperties": ["type": "string"]]
        case .enum:
            if let enumeration = type(of: value) as? any StringEnumeration.Type { return ["type": "string", "enum": enumeration.rawValues] }
            return ["type": "string"]
        case .struct, .class:
            var properties: [String: Any] = [:]
            var required: [String] = []
            for child in mirror.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                properties[name] = of(value: child.value)
                if Mirror(reflecting: child.value).displayStyle != .optional { required.append(name) }
            }
            var schema: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
            if !required.isEmpty { schema["required"] = required.sorted() }
            return schema
        default:
            return [:]
        }
    }

    /// The schema of a type without a value (a nil optional, an empty array).
    static func of(type: Any.Type) -> [String: Any] {
        if let schema = primitive(type) { return schema }
        if let optional = type as? any OptionalValue.Type { return nullable(of(type: optional.wrappedType)) }
        if let array = type as? any ArrayValue.Type { return ["type": "array", "items": of(type: array.elementType)] }
        if type is any StringDictionary.Type { return ["type": "object", "additionalProperties": ["type": "string"]] }
        if let enumeration = type as? any StringEnumeration.Type { return ["type": "string", "enum": enumeration.rawValues] }
        // A type with an example (an element of an empty array in another example): its example's schema.
        if let example = type as? any APIExample.Type { return of(value: example.example) }
        return [:]
    }

    static func primitive(_ type: Any.Type) -> [String: Any]? {
        switch type {
        case is String.Type, is Substring.Type: ["type": "string"]
        case is Int.Type, is Int64.Type, is Int32.Type: ["type": "integer"]
        case is Double.Type, is Float.Type: ["type": "number"]
        case is Bool.Type: ["type": "boolean"]
        case is UUID.Type: ["type": "string", "format": "uuid"]
        case is Date.Type: ["type": "string", "format": "date-time"]
        default: nil
        }
    }

    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var copy = schema
        if let type = schema["type"] as? String { copy["type"] = [type, "null"] } else if schema.isEmpty { return [:] }
        copy.removeValue(forKey: "enum")
        return copy
    }
}

extension Optional: JSONSchema.OptionalValue { static var wrappedType: Any.Type { Wrapped.self } }
extension Array: JSONSchema.ArrayValue { static var elementType: Any.Type { Element.self } }
extension Dictionary: JSONSchema.StringDictionary where Key == String, Value == String {}

extension JSONSchema.StringEnumeration where Self: CaseIterable, Self: RawRepresentable, RawValue == String {
    static var rawValues: [String] { allCases.map(\.rawValue) }
}
