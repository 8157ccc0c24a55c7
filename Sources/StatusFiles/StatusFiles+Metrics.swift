import Cache
import FoundationEssentials
import Prometheus
import Store
import Tree

/// One counter or gauge of the daemon, for `.status/metrics` and `.status/metrics.prom`.
struct MetricSample {
    enum Kind { case counter, gauge }
    var name: String
    var help: String
    var kind: Kind
    var labels: [(String, String)] = []
    var value: Double

    /// `name` with its label values appended, for the plain `name value` format.
    var flatName: String { ([name] + labels.map(\.1)).joined(separator: "_") }

    /// The Prometheus name and value, by its naming practice: the `recallfs_` prefix, base units
    /// (`_ms` becomes `_seconds`, a percentage a `_ratio`), and `_total` on every counter. The plain
    /// `.status/metrics` keeps the names scripts already read.
    var prometheus: (name: String, value: Double) {
        var name = self.name, value = self.value
        if name.hasSuffix("_ms") { name = String(name.dropLast(3)) + "_seconds"; value /= 1000 }
        if name.hasSuffix("_percent") { name = String(name.dropLast(8)) + "_ratio"; value /= 100 }
        if kind == .counter && !name.hasSuffix("_total") { name += "_total" }
        return ("recallfs_" + name, value)
    }
}

extension StatusFiles {
    /// Every counter and gauge the daemon has, read now.
    var metricSamples: [MetricSample] {
        func counter(_ name: String, _ help: String, _ value: Int, _ labels: [(String, String)] = []) -> MetricSample {
            MetricSample(name: name, help: help, kind: .counter, labels: labels, value: Double(value))
        }
        func gauge(_ name: String, _ help: String, _ value: Double, _ labels: [(String, String)] = []) -> MetricSample {
            MetricSample(name: name, help: help, kind: .gauge, labels: labels, value: value)
        }
        let s = board.report
        var out = [
            counter("requests_total", "Store requests made for FUSE operations.", s.requests.count),
            gauge("request_time_avg_ms", "Average store request time in milliseconds.", s.requests.averageMilliseconds),
            counter("queries_executed", "Searches run for query directories.", s.searches.count),
            gauge("query_time_avg_ms", "Average search time in milliseconds.", s.searches.averageMilliseconds),
            counter("slow_requests", "Store requests that took over one second.", s.slowRequests),
            counter("errors_total", "Error answers given to FUSE requests.", s.errorCount),
            gauge("open_handles", "Open files and directories.", Double(report.openHandles)),
            counter("renders_total", "Documents rendered whole (sizes recorded by the index need none).", report.renders),
        ]
        if let failover {
            let f = failover.stats
            let circuit = failover.circuit.snapshot
            out += [
                counter("failovers_total", "Requests answered by SQLite because the API failed or its circuit was open.", f.failovers),
                counter("api_requests", "Requests the API answered.", f.apiRequests),
                counter("api_failures", "API attempts that failed.", f.apiFailures),
                counter("api_retries", "API attempts retried within the time budget.", f.retries),
                gauge("api_latency_p50_ms", "API latency, median, milliseconds.", f.apiLatency.percentiles.p50),
                gauge("api_latency_p95_ms", "API latency, 95th percentile, milliseconds.", f.apiLatency.percentiles.p95),
                counter("sqlite_requests", "Requests SQLite answered.", f.localRequests),
                gauge("sqlite_latency_p50_ms", "SQLite latency, median, milliseconds.", f.localLatency.percentiles.p50),
                gauge("sqlite_latency_p95_ms", "SQLite latency, 95th percentile, milliseconds.", f.localLatency.percentiles.p95),
                gauge("circuit_open", "1 while the API circuit is open.", circuit.position == .open ? 1 : 0),
                counter("circuit_opened_total", "Times the API circuit opened.", circuit.timesOpened),
            ]
        }
        if let e = events?.stats {
            out += [counter("events_processed", "Change events applied.", e.processed),
                    counter("events_failed", "Change feed polls that failed.", e.failed)]
        }
        let c = cacheFigures
        for (tier, hits, misses, entries, bytes) in [("memory", c.memory.hits, c.memory.misses, c.memory.entries, c.memory.bytes),
                                                     ("disk", c.disk.hits, c.disk.misses, c.disk.entries, c.disk.bytes)] {
            out += [counter("cache_hits_total", "Cache hits.", hits, [("tier", tier)]),
                    counter("cache_misses_total", "Cache misses.", misses, [("tier", tier)]),
                    gauge("cache_entries", "Entries cached.", Double(entries), [("tier", tier)]),
                    gauge("cache_bytes", "Bytes cached.", Double(bytes), [("tier", tier)])]
        }
        for reason in EvictionReason.allCases {
            out.append(counter("cache_evictions_total", "Cache evictions by reason.", c.evictions(reason), [("reason", reason.rawValue)]))
        }
        out += [
            counter("cache_demotions_total", "Entries demoted from memory to disk.", tiered.demotions),
            counter("cache_admission_rejects_total", "Entries the memory tier did not admit.", c.memory.admissionRejects),
            gauge("cache_memory_target_bytes", "Memory tier eviction target.", Double(tiered.memory.target)),
            gauge("cache_memory_capacity_bytes", "Memory tier budget.", Double(tiered.memory.capacity)),
            gauge("memory_pressure_level", "0 normal, 1 moderate, 2 high, 3 critical.", Double(tiered.level.rawValue)),
        ]
        if let sample = pressure?.latest {
            out += [gauge("memory_used_bytes", "Memory in use per the pressure source.", Double(sample.usedBytes)),
                    gauge("memory_limit_bytes", "Memory limit per the pressure source.", Double(sample.limitBytes))]
            if let stall = sample.stallPercent { out.append(gauge("memory_stall_percent", "PSI some avg10.", stall)) }
        }
        return out
    }

    /// `.status/metrics`: `name value` lines (labels folded into the name).
    var metricLines: [(String, String)] {
        metricSamples.map { ($0.flatName, $0.kind == .counter ? String(Int($0.value)) : Self.number($0.value)) }
    }

    /// `.status/metrics.prom` (and `/metrics` with `--metrics-addr`): the same in Prometheus text
    /// format (node_exporter's textfile collector), written by swift-prometheus, named by Prometheus
    /// practice (see `MetricSample.prometheus`), with `recallfs_build_info{version=…} 1`. No label
    /// ever holds query text or a document's content.
    func prometheusText() -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        for sample in metricSamples {
            let (name, value) = sample.prometheus
            switch sample.kind {
            case .counter:
                registry.makeCounter(name: name, labels: sample.labels, help: sample.help).increment(by: Int64(value))
            case .gauge:
                registry.makeGauge(name: name, labels: sample.labels, help: sample.help).set(value)
            }
        }
        registry.makeGauge(name: "recallfs_build_info", labels: [("version", facts["version"] ?? "unknown")],
                           help: "Always 1; the version of the running daemon is its label.").set(Double(1))
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return bytes
    }
}
