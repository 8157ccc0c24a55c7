import Foundation
@testable import StatusFiles
import Store
import Testing
import TestSupport
import Tree

/// `.status/metrics.prom` names follow Prometheus practice (base units, `_total` on counters, a
/// `recallfs_build_info`), while `.status/metrics` keeps the names scripts already read.
@Suite struct PrometheusNamesTests {
    @Test func namesAndUnits() {
        let latency = MetricSample(name: "query_time_avg_ms", help: "", kind: .gauge, value: 250)
        #expect(latency.prometheus.name == "recallfs_query_time_avg_seconds")
        #expect(latency.prometheus.value == 0.25)
        let stall = MetricSample(name: "memory_stall_percent", help: "", kind: .gauge, value: 12.5)
        #expect(stall.prometheus.name == "recallfs_memory_stall_ratio")
        #expect(stall.prometheus.value == 0.125)
        #expect(MetricSample(name: "queries_executed", help: "", kind: .counter, value: 3).prometheus.name == "recallfs_queries_executed_total")
        #expect(MetricSample(name: "errors_total", help: "", kind: .counter, value: 3).prometheus.name == "recallfs_errors_total")
        #expect(MetricSample(name: "open_handles", help: "", kind: .gauge, value: 3).prometheus.name == "recallfs_open_handles")
    }

    @Test func theTextFormatCarriesBuildInfoAndKeepsThePlainNames() {
        let fs = RecallFileSystem(store: MockDocumentStore(), board: StatusBoard(), savedQueries: nil)
        let status = StatusFiles(tree: fs, facts: ["version": "9.9.9"])
        let text = String(decoding: status.prometheusText(), as: UTF8.self)
        #expect(text.contains("recallfs_build_info{version=\"9.9.9\"} 1"))
        #expect(text.contains("recallfs_queries_executed_total "))
        #expect(!text.contains("_ms "))
        let plain = status.metricLines.map(\.0)
        #expect(plain.contains("queries_executed") && plain.contains("query_time_avg_ms"))
    }
}
