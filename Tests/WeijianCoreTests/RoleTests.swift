import Testing
@testable import WeijianCore

/// Roles and the separation of the three administrators (三权分立).
@Suite("角色")
struct RoleTests {
    @Test("Two separated administrator roles in one account are refused",
          arguments: [[Role.sysadmin, .auditor], [.sysadmin, .securityAdmin], [.securityAdmin, .auditor], [.sysadmin, .securityAdmin, .auditor]])
    func refusesTwoAdministrators(roles: [Role]) {
        // given
        let set = Set(roles)

        // when
        let error = #expect(throws: ValidationError.self) { try Role.checkSeparation(set) }

        // then
        #expect(error?.code == "roles.separation")
        #expect(error?.message.contains("三权分立") == true)
    }

    @Test("The message names both roles in a fixed order")
    func separationMessage() {
        // given
        let roles: Set<Role> = [.auditor, .sysadmin]

        // when
        let error = #expect(throws: ValidationError.self) { try Role.checkSeparation(roles) }

        // then
        #expect(error?.message.contains("系统管理员与安全审计员") == true)
    }

    @Test("An administrator cannot also hold a business role", arguments: [Role.sysadmin, .securityAdmin, .auditor])
    func refusesAdministratorWithBusinessRole(admin: Role) {
        // given
        let roles: Set<Role> = [admin, .inspector]

        // when
        let error = #expect(throws: ValidationError.self) { try Role.checkSeparation(roles) }

        // then
        #expect(error?.code == "roles.adminExclusive")
        #expect(error?.message.contains("监督员") == true)
    }

    @Test("Business roles combine freely", arguments: [
        [Role.inspector, .infoOfficer], [.leader], [.departmentHead, .inspector, .archivist, .intakeClerk], [],
    ])
    func acceptsBusinessRoles(roles: [Role]) {
        // given
        let set = Set(roles)

        // when
        let outcome = Result { try Role.checkSeparation(set) }

        // then
        #expect(throws: Never.self) { try outcome.get() }
    }

    @Test("Each administrator alone and a unit's user alone are fine", arguments: [Role.sysadmin, .securityAdmin, .auditor, .entityUser])
    func acceptsSingleRoles(role: Role) {
        // given
        let set: Set<Role> = [role]

        // when
        let outcome = Result { try Role.checkSeparation(set) }

        // then
        #expect(throws: Never.self) { try outcome.get() }
    }

    @Test("A unit's portal user holds no staff role", arguments: Role.staff)
    func entityUserIsExclusive(staffRole: Role) {
        // given
        let roles: Set<Role> = [.entityUser, staffRole]

        // when
        let error = #expect(throws: ValidationError.self) { try Role.checkSeparation(roles) }

        // then
        #expect(error?.code == "roles.portalExclusive")
    }

    @Test("The separated administrators see no business or personal data")
    func administratorPermissions() {
        // given
        let business: Set<Permission> = [.personalDataReveal, .staffDirectoryRead]

        // when
        let adminPermissions = Role.separated.map { ($0, $0.permissions) }

        // then
        for (role, permissions) in adminPermissions {
            #expect(permissions.isDisjoint(with: business), "\(role)")
        }
        #expect(Role.auditor.permissions == [.auditRead, .auditVerify])
        #expect(Role.sysadmin.permissions.isDisjoint(with: Role.auditor.permissions))
        #expect(Role.securityAdmin.permissions.contains(.keysManage))
        #expect(Role.entityUser.permissions == [.portalSubmit], "a unit's user sees only the portal")
    }

    @Test("Every permission belongs to some role, and every role and permission has a Chinese name")
    func coverage() {
        // given
        let granted = Role.allCases.reduce(into: Set<Permission>()) { $0.formUnion($1.permissions) }

        // when
        let ungranted = Set(Permission.allCases).subtracting(granted)

        // then
        #expect(ungranted.isEmpty)
        #expect(Set(Role.allCases.map(\.chinese)).count == Role.allCases.count)
        #expect(Permission.allCases.allSatisfy { !$0.chinese.isEmpty })
    }

    @Test("Roles sort in declaration order")
    func ordering() {
        // given
        let roles: [Role] = [.entityUser, .inspector, .auditor, .sysadmin]

        // when
        let sorted = roles.sorted()

        // then
        #expect(sorted == [.sysadmin, .auditor, .inspector, .entityUser])
    }
}
