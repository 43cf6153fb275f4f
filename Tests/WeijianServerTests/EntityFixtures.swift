import Fluent
import Foundation
import Vapor
import WeijianCore
@testable import WeijianServer

extension EntityInput {
    /// A valid public-place unit (宾馆) in 鼓楼区, Fuzhou.
    static func fixture(name: String = "福州阳光宾馆有限公司", creditCode: String? = "91350100M000100Y43", address: String = "福州市鼓楼区五四路12号",
                        category: String = "GG0101", department: UUID? = nil, phone: String? = "13800138000") -> EntityInput {
        EntityInput(name: name, creditCode: creditCode, legalRepName: "张三", legalRepIDNumber: "11010519491231002X", legalRepPhone: phone,
                    operatingAddress: address, divisionCode: "350102", categoryCode: category, employees: "20", certifiedEmployees: "18",
                    departmentID: department?.uuidString, ext: ["beds": "120"])
    }
}

extension Application {
    @discardableResult
    func makeEntity(_ input: EntityInput = .fixture(), inspectors: [UUID] = []) async throws -> SupervisedEntity {
        var input = input
        input.inspectors = inspectors.map(\.uuidString)
        return try await EntityQueries.create(input, origin: .init(actor: .system, action: "create", comment: "", source: .internal), by: systemCaller,
                                              checkingDuplicates: false)
    }

    /// The system acting with unrestricted scope (what set-up code and commands do).
    var systemCaller: Caller { .system(self, actor: .system) }

    /// A user acting as themselves, with their roles' scope.
    func caller(for user: User) async throws -> Caller {
        .acting(as: try await CurrentUser.load(user, sessionID: nil, csrfToken: nil, on: db), self)
    }

    func entityCount() async throws -> Int { try await SupervisedEntity.query(on: db).count() }
}

extension LocalDate {
    /// Noon of this day in China (04:00 UTC), for setting the test clock.
    var noonInChina: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400 + 4 * 3_600) }
}
