import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Counters and a latency histogram in the Prometheus text format, served at `/metrics`.
public final class AppMetrics: Sendable {
    public static let shared = AppMetrics()

    private struct State {
        var counters: [String: Double] = [:]
        var bucketCounts: [Double] = Array(repeating: 0, count: AppMetrics.buckets.count)
        var latencySum = 0.0
        var latencyCount = 0.0
    }

    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let state = NIOLockedValueBox(State())

    /// `name` may carry labels: `weijian_http_requests_total{status="2xx"}`.
    public func increment(_ name: String, by value: Double = 1) {
        state.withLockedValue { $0.counters[name, default: 0] += value }
    }

    func observeLatency(_ seconds: Double) {
        state.withLockedValue { state in
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.bucketCounts[index] += 1 }
            state.latencySum += seconds
            state.latencyCount += 1
        }
    }

    func render() -> String {
        state.withLockedValue { state in
            var lines: [String] = []
            var typed = Set<String>()
            for (name, value) in state.counters.sorted(by: { $0.key < $1.key }) {
                let base = String(name.prefix { $0 != "{" })
                if typed.insert(base).inserted { lines.append("# TYPE \(base) counter") }
                lines.append("\(name) \(format(value))")
            }
            lines.append("# TYPE weijian_http_request_duration_seconds histogram")
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("weijian_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(format(state.bucketCounts[index]))")
            }
            lines.append("weijian_http_request_duration_seconds_bucket{le=\"+Inf\"} \(format(state.latencyCount))")
            lines.append("weijian_http_request_duration_seconds_sum \(state.latencySum)")
            lines.append("weijian_http_request_duration_seconds_count \(format(state.latencyCount))")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private func format(_ value: Double) -> String { value == value.rounded() ? String(Int64(value)) : String(value) }
}

/// Counts every response by method and status class and times it.
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            AppMetrics.shared.increment("weijian_http_requests_total{status=\"error\"}")
            throw error
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        AppMetrics.shared.observeLatency(elapsed)
        AppMetrics.shared.increment("weijian_http_requests_total{status=\"\(response.status.code / 100)xx\"}")
        return response
    }
}
