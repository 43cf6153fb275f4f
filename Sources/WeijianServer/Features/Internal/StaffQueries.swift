import Fluent
import Foundation
import SQLKit
import Vapor
import WeijianCore

/// Reading and writing staff profiles. Plaintext personal data exists only inside these functions
/// and in a reveal's response.
enum StaffQueries {
    struct ProfileInput: Sendable {
        var title: String?
        var certificateNumber: String?
        var certificateExpiry: String?
        var phone: String?
        var idNumber: String?
        /// On an edit, a blank phone or ID number keeps the stored one (it is never shown in the
        /// form); these clear it.
        var clearPhone = false
        var clearIDNumber = false
    }

    /// Validates every field at once; throws `ValidationErrors` naming each bad field.
    static func validate(_ input: ProfileInput) throws -> (phone: PhoneNumber?, id: ResidentID?, expiry: LocalDate?) {
        var errors = ValidationCollector()
        var phone: PhoneNumber?
        var id: ResidentID?
        var expiry: LocalDate?
        if let text = input.phone?.trimmed, !text.isEmpty { errors.run { phone = try PhoneNumber(text, field: "联系电话") } }
        if let text = input.idNumber?.trimmed, !text.isEmpty { errors.run { id = try ResidentID(text, field: "身份证号") } }
        if let text = input.certificateExpiry?.trimmed, !text.isEmpty {
            if let date = LocalDate(text) { expiry = date } else {
                errors.add(ValidationError(field: "执法证有效期至", code: "date.format", message: "应为有效日期，格式YYYY-MM-DD"))
            }
        }
        if let number = input.certificateNumber?.trimmed, number.count > 40 {
            errors.add(ValidationError(field: "执法证号", code: "length", message: "不能超过40个字符"))
        }
        try errors.check()
        return (phone, id, expiry)
    }

    /// Creates or replaces a user's profile, encrypting personal data. A blank phone or ID number
    /// keeps the stored one unless the input clears it.
    static func save(_ input: ProfileInput, userID: UUID, crypto: FieldCrypto, on db: any Database) async throws {
        let checked = try validate(input)
        let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == userID).first() ?? {
            let created = StaffProfile()
            created.$user.id = userID
            return created
        }()
        profile.title = input.title?.trimmed.nilIfEmpty
        profile.certificateNumber = input.certificateNumber?.trimmed.nilIfEmpty
        profile.certificateExpiry = checked.expiry?.description
        let phoneField = StaffProfile.encryptedFields[0]
        let idField = StaffProfile.encryptedFields[1]
        if let phone = checked.phone {
            profile.phoneCipher = try crypto.encrypt(phone.value, context: phoneField.context)
            profile.phoneIndex = crypto.blindIndex(phoneField.normalise(phone.value), context: phoneField.context)
        } else if input.clearPhone {
            (profile.phoneCipher, profile.phoneIndex) = (nil, nil)
        }
        if let id = checked.id {
            profile.idNumberCipher = try crypto.encrypt(id.value, context: idField.context)
            profile.idNumberIndex = crypto.blindIndex(idField.normalise(id.value), context: idField.context)
        } else if input.clearIDNumber {
            (profile.idNumberCipher, profile.idNumberIndex) = (nil, nil)
        }
        try await profile.save(on: db)
    }

    /// What an edit compares, labelled; personal data masked (the audit shows that it changed and
    /// its masked form, never the value).
    static func snapshot(userID: UUID, crypto: FieldCrypto, on db: any Database) async throws -> [(String, String)] {
        let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == userID).first()
        func masked(_ cipher: String?, _ field: EncryptedField) throws -> String {
            try cipher.map { field.kind.mask(try crypto.decrypt($0, context: field.context)) } ?? ""
        }
        return [("职务", profile?.title ?? ""), ("执法证号", profile?.certificateNumber ?? ""), ("执法证有效期至", profile?.certificateExpiry ?? ""),
                ("联系电话", try masked(profile?.phoneCipher, StaffProfile.encryptedFields[0])),
                ("身份证号", try masked(profile?.idNumberCipher, StaffProfile.encryptedFields[1]))]
    }

    struct DirectoryRow: Content {
        let userID: String
        let username: String
        let displayName: String
        let department: String
        let title: String
        let certificateNumber: String
        let certificateExpiry: String
        let certificateExpired: Bool
        let phoneMasked: String
        let idNumberMasked: String
        let hasPhone: Bool
        let hasIDNumber: Bool
    }

    /// The staff directory within the reader's scope, masked. `search` matches names, usernames
    /// and certificate numbers through the search index; an exact phone number matches through
    /// the blind index.
    static func directory(scope: DataScope, search: String?, page: Int = 1, pageSize: Int = 50, crypto: FieldCrypto, today: LocalDate,
                          on db: any Database) async throws -> Paged<DirectoryRow> {
        var query = db.sql.select()
            .column(SQLColumn("id", table: "u"), as: "uid").column(SQLColumn("username", table: "u")).column(SQLColumn("display_name", table: "u"))
            .column(SQLColumn("name", table: "d"), as: "department")
            .column(SQLColumn("title", table: "p")).column(SQLColumn("certificate_number", table: "p")).column(SQLColumn("certificate_expiry", table: "p"))
            .column(SQLColumn("phone_cipher", table: "p")).column(SQLColumn("id_number_cipher", table: "p"))
            .from(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")))
            .join(SQLAlias(SQLIdentifier("departments"), as: SQLIdentifier("d")), method: SQLJoinMethod.left, on: SQLColumn("department_id", table: "u"), .equal, SQLColumn("id", table: "d"))
            .join(SQLAlias(SQLIdentifier("staff_profiles"), as: SQLIdentifier("p")), method: SQLJoinMethod.left, on: SQLColumn("user_id", table: "p"), .equal, SQLColumn("id", table: "u"))
            .where(SQLColumn("kind", table: "u"), .equal, SQLBind(User.Kind.staff.rawValue))
            .where(SQLColumn("status", table: "u"), .equal, SQLBind(User.Status.active.rawValue))
        query = scope.apply(to: query, department: "u.department_id")
        if let search = search?.trimmed, !search.isEmpty {
            let phoneField = StaffProfile.encryptedFields[0]
            let digits = search.filter(\.isNumber)
            if digits.count == 11, digits == search {
                query = query.where(SQLColumn("phone_index", table: "p"), .equal, SQLBind(crypto.blindIndex(phoneField.normalise(digits), context: phoneField.context)))
            } else if let match = SearchIndex.matching(type: "staff", query: search, column: "u.id", on: db) {
                query = query.where(match)
            }
        }
        return try await Paged.read(query.orderBy(SQLColumn("username", table: "u")), page: page, pageSize: pageSize, on: db) { rows in try rows.map { row in
            let phone = try row.decode(column: "phone_cipher", as: String?.self)
            let id = try row.decode(column: "id_number_cipher", as: String?.self)
            let expiry = try row.decode(column: "certificate_expiry", as: String?.self) ?? ""
            return DirectoryRow(
                userID: try row.decode(column: "uid", as: UUID.self).uuidString,
                username: try row.decode(column: "username", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self),
                department: try row.decode(column: "department", as: String?.self) ?? "—",
                title: try row.decode(column: "title", as: String?.self) ?? "",
                certificateNumber: try row.decode(column: "certificate_number", as: String?.self) ?? "",
                certificateExpiry: expiry,
                certificateExpired: LocalDate(expiry).map { $0 < today } ?? false,
                phoneMasked: try phone.map { PersonalDataKind.phone.mask(try crypto.decrypt($0, context: StaffProfile.encryptedFields[0].context)) } ?? "",
                idNumberMasked: try id.map { PersonalDataKind.idNumber.mask(try crypto.decrypt($0, context: StaffProfile.encryptedFields[1].context)) } ?? "",
                hasPhone: phone != nil, hasIDNumber: id != nil)
        } }
    }

    /// Keeps the staff search index current: names, usernames and certificate numbers only
    /// (never phones or ID numbers).
    static func reindex(userID: UUID, on db: any Database) async throws {
        guard let user = try await User.find(userID, on: db) else { return }
        let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == userID).first()
        let text = [user.displayName, user.username, profile?.certificateNumber ?? "", profile?.title ?? ""].joined(separator: " ")
        try await SearchIndex.index(type: "staff", id: userID.uuidString, text: text, on: db)
    }

    /// Decrypts one personal field for a reveal. The caller has checked permission and scope and
    /// records the purpose in the audit log in the same transaction.
    static func reveal(userID: UUID, field: String, crypto: FieldCrypto, on db: any Database) async throws -> (EncryptedField, String?) {
        guard let spec = StaffProfile.encryptedFields.first(where: { $0.name == field }) else {
            throw ValidationError(field: "字段", code: "reveal.field", message: "只能查看联系电话或身份证号")
        }
        guard let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == userID).first() else { return (spec, nil) }
        let cipher = spec.name == "phone" ? profile.phoneCipher : profile.idNumberCipher
        return (spec, try cipher.map { try crypto.decrypt($0, context: spec.context) })
    }
}
