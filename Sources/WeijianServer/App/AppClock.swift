import Foundation
import NIOConcurrencyHelpers
import Vapor
import WeijianCore

/// The time source of the application. Tests replace it to move time forward (lockout expiry,
/// idle timeout, password age) without sleeping.
public final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)
    private let fixed = NIOLockedValueBox<Date?>(nil)

    public init() {}

    /// The shared real clock used until `configure` installs the application's own.
    static let system = AppClock()

    public func now() -> Date {
        if let date = fixed.withLockedValue({ $0 }) { return date }
        return Date().addingTimeInterval(offset.withLockedValue { $0 })
    }

    /// Moves the clock forward (tests).
    public func advance(by seconds: TimeInterval) {
        if let date = fixed.withLockedValue({ $0 }) {
            fixed.withLockedValue { $0 = date.addingTimeInterval(seconds) }
        } else {
            offset.withLockedValue { $0 += seconds }
        }
    }

    /// Freezes the clock at `date` (tests).
    public func set(_ date: Date) { fixed.withLockedValue { $0 = date } }

    /// Today's date in China.
    public var today: LocalDate { LocalDate(instant: now()) }
}

extension Application {
    struct ClockKey: StorageKey { typealias Value = AppClock }
    public var clock: AppClock {
        get { storage[ClockKey.self] ?? AppClock.system }
        set { storage[ClockKey.self] = newValue }
    }

    struct SettingsKey: StorageKey { typealias Value = Settings }
    public var weijianSettings: Settings {
        get { storage[SettingsKey.self] ?? Settings() }
        set { storage[SettingsKey.self] = newValue }
    }
}

extension Request {
    public var now: Date { application.clock.now() }
    public var settings: Settings { application.weijianSettings }
}
