import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WeijianCore

/// A ten-second cache of the security settings.
final class SettingsCache: Sendable {
    private let box = NIOLockedValueBox<(SecuritySettings, Date)?>(nil)
    func get(now: Date) -> SecuritySettings? {
        box.withLockedValue { entry in
            guard let entry, now.timeIntervalSince(entry.1) < 10, now >= entry.1 else { return nil }
            return entry.0
        }
    }
    func put(_ settings: SecuritySettings, now: Date) { box.withLockedValue { $0 = (settings, now) } }
    func clear() { box.withLockedValue { $0 = nil } }
}
