import Foundation
import WeijianCore

/// A unit's stored columns as a plain value, for bulk writes (imports, the demo registry).
///
/// A Fluent model keeps each of its forty fields in a property-wrapper object: creating,
/// filling, reading and freeing them cost a bulk import about a quarter of its CPU time. Rows
/// are built on the preparing threads and written with `BulkInsert`; the form and the review
/// still work with `SupervisedEntity`, filled from the same `EntityRow.Values`.
struct EntityRow: Sendable {
    /// What a validated input decides: the columns `EntityQueries.apply` sets on a model.
    struct Values: Sendable {
        var name: String
        var shortName: String?
        var creditCode: String?
        var legalRepName: String?
        var legalRepIDCipher: String?
        var legalRepIDIndex: String?
        var legalRepPhoneCipher: String?
        var legalRepPhoneIndex: String?
        var contactName: String?
        var contactPhoneCipher: String?
        var contactPhoneIndex: String?
        var registeredAddress: String?
        var operatingAddress: String
        var divisionCode: String
        var township: String?
        var latitude: Double?
        var longitude: Double?
        var economicType: String?
        var industry: String?
        var categoryCode: String
        var topCategory: String
        var businessScope: String?
        var employees: Int?
        var certifiedEmployees: Int?
        var trainedEmployees: Int?
        var status: SupervisedEntity.Status
        var departmentID: UUID?
        var area: String?
        var extensionJSON: String
        var nameKey: String
        var addressKey: String
        var pinyinKey: String

        /// Encrypts the personal data, derives the search and duplicate keys. A failed encryption
        /// fails the write: a unit is never stored without the personal data it was given.
        init(_ valid: ValidatedEntity, crypto: FieldCrypto, divisions: DivisionIndex) throws {
            let fields = SupervisedEntity.encryptedFields
            func seal(_ value: String?, _ field: EncryptedField) throws -> (String?, String?) {
                guard let value else { return (nil, nil) }
                return (try crypto.encrypt(value, context: field.context), crypto.blindIndex(field.normalise(value), context: field.context))
            }
            name = valid.name
            shortName = valid.shortName
            creditCode = valid.creditCode?.value
            legalRepName = valid.legalRepName
            (legalRepIDCipher, legalRepIDIndex) = try seal(valid.legalRepID?.value, fields[0])
            (legalRepPhoneCipher, legalRepPhoneIndex) = try seal(valid.legalRepPhone?.value, fields[1])
            contactName = valid.contactName
            (contactPhoneCipher, contactPhoneIndex) = try seal(valid.contactPhone?.value, fields[2])
            registeredAddress = valid.registeredAddress
            operatingAddress = valid.operatingAddress
            divisionCode = valid.division.value
            township = valid.township
            latitude = valid.latitude
            longitude = valid.longitude
            economicType = valid.economicType
            industry = valid.industry
            categoryCode = valid.category.id ?? ""
            topCategory = CategoryNode.topLevel(of: valid.category.id ?? "")
            businessScope = valid.businessScope
            employees = valid.employees
            certifiedEmployees = valid.certifiedEmployees
            trainedEmployees = valid.trainedEmployees
            status = valid.status
            departmentID = valid.departmentID
            area = valid.area
            extensionJSON = Self.json(valid.extensionValues)
            (nameKey, addressKey) = EntityKeys.duplicateKeys(name: valid.name, address: valid.operatingAddress, divisions: divisions)
            pinyinKey = EntityKeys.pinyin(valid.name)
        }

        /// Extension fields as JSON with sorted keys (one shared encoder: making one per row showed in profiles).
        static func json(_ values: [String: String]) -> String {
            guard !values.isEmpty else { return "{}" }
            return String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
        }
        private static let encoder = JSONEncoder.sorted

        func copy(into e: SupervisedEntity, now: Date) {
            e.name = name
            e.shortName = shortName
            e.creditCode = creditCode
            e.legalRepName = legalRepName
            e.legalRepIDCipher = legalRepIDCipher
            e.legalRepIDIndex = legalRepIDIndex
            e.legalRepPhoneCipher = legalRepPhoneCipher
            e.legalRepPhoneIndex = legalRepPhoneIndex
            e.contactName = contactName
            e.contactPhoneCipher = contactPhoneCipher
            e.contactPhoneIndex = contactPhoneIndex
            e.registeredAddress = registeredAddress
            e.operatingAddress = operatingAddress
            e.divisionCode = divisionCode
            e.township = township
            e.latitude = latitude
            e.longitude = longitude
            e.economicType = economicType
            e.industry = industry
            e.categoryCode = categoryCode
            e.topCategory = topCategory
            e.businessScope = businessScope
            e.employees = employees
            e.certifiedEmployees = certifiedEmployees
            e.trainedEmployees = trainedEmployees
            e.status = status
            e.departmentID = departmentID
            e.area = area
            e.extensionJSON = extensionJSON
            e.nameKey = nameKey
            e.addressKey = addressKey
            e.pinyinKey = pinyinKey
            e.updatedAt = now
        }
    }

    var id: UUID
    var unitCode: String
    var source: String
    var mergedInto: UUID?
    var grade: String?
    var riskLevel: String?
    var createdAt: Date
    var updatedAt: Date
    var values: Values

    init(id: UUID, unitCode: String, source: InformationSource, values: Values, now: Date) {
        self.id = id
        self.unitCode = unitCode
        self.source = source.rawValue
        self.createdAt = now
        self.updatedAt = now
        self.values = values
    }

    /// The row of a model (the demo registry builds models).
    init(_ e: SupervisedEntity) {
        id = e.id!
        unitCode = e.unitCode
        source = e.source
        mergedInto = e.mergedInto
        grade = e.grade
        riskLevel = e.riskLevel
        createdAt = e.createdAt
        updatedAt = e.updatedAt
        values = Values(row: e)
    }

    /// The values in `EntityQueries.storedColumns` order.
    var stored: [BulkInsert.Value] {
        let v = values
        return [
            .uuid(id), .text(unitCode), .text(v.name), .text(v.shortName), .text(v.creditCode), .uuid(v.departmentID), .uuid(mergedInto),
            .text(v.legalRepName), .text(v.legalRepIDCipher), .text(v.legalRepIDIndex), .text(v.legalRepPhoneCipher), .text(v.legalRepPhoneIndex),
            .text(v.contactName), .text(v.contactPhoneCipher), .text(v.contactPhoneIndex), .text(v.registeredAddress), .text(v.operatingAddress),
            .text(v.divisionCode), .text(v.township), .double(v.latitude), .double(v.longitude), .text(v.economicType), .text(v.industry),
            .text(v.categoryCode), .text(v.topCategory), .text(v.businessScope), .int(v.employees), .int(v.certifiedEmployees),
            .int(v.trainedEmployees), .text(grade), .text(riskLevel), .text(v.area), .text(v.extensionJSON), .text(source),
            .text(v.nameKey), .text(v.addressKey), .text(v.pinyinKey), .text(v.status.rawValue), .date(createdAt), .date(updatedAt),
        ]
    }
}

extension EntityRow.Values {
    /// The values a model holds.
    init(row e: SupervisedEntity) {
        name = e.name
        shortName = e.shortName
        creditCode = e.creditCode
        legalRepName = e.legalRepName
        legalRepIDCipher = e.legalRepIDCipher
        legalRepIDIndex = e.legalRepIDIndex
        legalRepPhoneCipher = e.legalRepPhoneCipher
        legalRepPhoneIndex = e.legalRepPhoneIndex
        contactName = e.contactName
        contactPhoneCipher = e.contactPhoneCipher
        contactPhoneIndex = e.contactPhoneIndex
        registeredAddress = e.registeredAddress
        operatingAddress = e.operatingAddress
        divisionCode = e.divisionCode
        township = e.township
        latitude = e.latitude
        longitude = e.longitude
        economicType = e.economicType
        industry = e.industry
        categoryCode = e.categoryCode
        topCategory = e.topCategory
        businessScope = e.businessScope
        employees = e.employees
        certifiedEmployees = e.certifiedEmployees
        trainedEmployees = e.trainedEmployees
        status = e.status
        departmentID = e.departmentID
        area = e.area
        extensionJSON = e.extensionJSON
        nameKey = e.nameKey
        addressKey = e.addressKey
        pinyinKey = e.pinyinKey
    }
}
