import Foundation

extension String {
    /// The string without leading and trailing white space (spaces, tabs, line breaks, the
    /// full-width space U+3000, no-break spaces). Pure standard library: Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString on Linux and was a tenth of an import's
    /// time.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }

    /// Every occurrence of `target` replaced, compared scalar by scalar (Foundation's
    /// `replacingOccurrences` goes through NSString on Linux).
    public func replacingScalars(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        guard let first = pattern.first else { return self }
        let scalars = Array(unicodeScalars)
        guard scalars.contains(first) else { return self }
        var result = String.UnicodeScalarView()
        var index = 0
        var changed = false
        while index < scalars.count {
            if scalars[index] == first, index + pattern.count <= scalars.count, scalars[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
                changed = true
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return changed ? String(result) : self
    }

    /// nil for the empty string.
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Work spread over the machine's cores, results in input order: for the CPU-bound preparation
/// of bulk imports (validation, encryption, keys), not for anything that touches the database.
///
/// The work runs on threads of its own (one per core, started once), not in Swift's cooperative
/// pool: that pool has one thread per core, and a long map there kept the task that writes to the
/// database (and every web request) waiting for a free thread after each query — a bulk import's
/// writer stood idle for most of each batch while the next batch was prepared. Threads started
/// per call instead each took a malloc arena of their own (a third more peak memory in an import).
public enum Parallel {
    public static func map<Item: Sendable, Result>(_ items: [Item], transform: @escaping @Sendable (Item) -> Result) async -> [Result] {
        let workers = max(1, min(System.coreCount, items.count / 64))
        guard workers > 1 else { return items.map(transform) }
        let size = (items.count + workers - 1) / workers
        let starts = Array(stride(from: 0, to: items.count, by: size))
        let parts = Parts<Result>(count: starts.count)
        return await withCheckedContinuation { continuation in
            for (index, start) in starts.enumerated() {
                // A slice shares the array's storage: the rows are not copied per worker.
                let slice = items[start..<min(start + size, items.count)]
                Workers.shared.submit {
                    if let all = parts.store(slice.map(transform), at: index) { continuation.resume(returning: all) }
                }
            }
        }
    }

    /// Long-lived worker threads taking jobs in order. A job never waits for another job, so
    /// nothing here can deadlock.
    final class Workers: @unchecked Sendable {
        static let shared = Workers(threads: System.coreCount)
        private let condition = NSCondition()
        private var jobs: [@Sendable () -> Void] = []

        init(threads: Int) {
            for number in 0..<threads {
                let thread = Thread { self.run() }
                thread.name = "weijian-parallel-\(number)"
                thread.start()
            }
        }

        func submit(_ job: @escaping @Sendable () -> Void) {
            condition.lock()
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }

        private func run() {
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
    }

    /// The workers' results; the last worker to finish gets them all, in order.
    final class Parts<Result>: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [[Result]?]
        private var missing: Int

        init(count: Int) {
            parts = Array(repeating: nil, count: count)
            missing = count
        }

        func store(_ part: [Result], at index: Int) -> [Result]? {
            lock.lock()
            defer { lock.unlock() }
            parts[index] = part
            missing -= 1
            guard missing == 0 else { return nil }
            // Joined part by part, each released once copied, so the results are held about once.
            var all: [Result] = []
            all.reserveCapacity(parts.reduce(0) { $0 + ($1?.count ?? 0) })
            for position in parts.indices {
                all.append(contentsOf: parts[position]!)
                parts[position] = nil
            }
            return all
        }
    }
}

enum System {
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
