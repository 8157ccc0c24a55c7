import Foundation
import Store

extension RecallFileSystem {
    /// Each part that health depends on, `true` when it works; absent parts are not configured.
    struct Components {
        var api: Bool?
        var database: Bool?
        var events: Bool?
        var index: Bool?
    }

    var components: Components {
        let s = board.snapshot
        var c = Components()
        if let failover {
            if failover.api != nil {
                let healthOK = failover.stats.lastHealthCheck?.ok ?? true
                c.api = failover.circuit.allowsRequests && healthOK
            }
            if failover.local != nil { c.database = index?.syncState.lastError == nil }
        } else {
            c.database = s.storeReachable && index?.syncState.lastError == nil
        }
        if let processor = events.withLock({ $0 }) { c.events = processor.isHealthy }
        if let index { c.index = index.syncState.ready }
        return c
    }

    /// `ok`, `degraded` or `down`, from the API, the database, event processing and the index:
    /// - down: nothing can answer (the API is down or absent, and so is the database);
    /// - degraded: something configured is not working (the API is down and SQLite answers, the
    ///   database or the change feeds fail, the index is still building), or a store call failed in the
    ///   last minute;
    /// - ok otherwise.
    public var health: String {
        let c = components
        let s = board.snapshot
        let canServe = failover == nil ? s.storeReachable : (c.api == true || c.database == true)
        if !canServe { return "down" }
        if [c.api, c.database, c.events, c.index].contains(false) { return "degraded" }
        if let at = s.lastStoreErrorAt, Date().timeIntervalSince(at) < 60 { return "degraded" }
        return "ok"
    }

    /// The bytes of a status file, generated now.
    public func statusContent(_ file: StatusFile) -> [UInt8] {
        switch file {
        case .health: return Array((health + "\n").utf8)
        case .backend: return Array((store.backendName + "\n").utf8)
        case .errors:
            return Array(board.errors.map { record in
                "\(Self.iso(record.time)) \(record.operation) \(record.path): \(StatusBoard.errnoName(record.errno)): \(record.reason)\n"
            }.joined().utf8)
        case .healthJSON: return healthJSON()
        case .metrics: return Self.lines(metricLines)
        case .cache: return Self.lines(cacheLines)
        case .events: return eventsText()
        }
    }

    static func iso(_ date: Date) -> String { PensieveTime.iso(Int64(date.timeIntervalSince1970)) }

    static func lines(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { "\($0.0) \($0.1)\n" }.joined().utf8)
    }

    static func number(_ value: Double) -> String { String(format: "%.3f", value) }

    /// `.status/metrics`: counters and gauges, one `name value` per line.
    var metricLines: [(String, String)] {
        let s = board.snapshot
        var lines: [(String, String)] = [
            ("requests_total", String(s.requests.count)),
            ("request_time_avg_ms", Self.number(s.requests.averageMilliseconds)),
            ("queries_executed", String(s.searches.count)),
            ("query_time_avg_ms", Self.number(s.searches.averageMilliseconds)),
            ("slow_requests", String(s.slowRequests)),
            ("errors_total", String(s.errorCount)),
            ("open_handles", String(handles.count)),
        ]
        if let f = failover?.stats {
            let circuit = failover!.circuit.snapshot
            lines += [
                ("failovers_total", String(f.failovers)),
                ("api_requests", String(f.apiRequests)),
                ("api_failures", String(f.apiFailures)),
                ("api_retries", String(f.retries)),
                ("api_latency_p50_ms", Self.number(f.apiLatency.percentiles.p50)),
                ("api_latency_p95_ms", Self.number(f.apiLatency.percentiles.p95)),
                ("sqlite_requests", String(f.localRequests)),
                ("sqlite_latency_p50_ms", Self.number(f.localLatency.percentiles.p50)),
                ("sqlite_latency_p95_ms", Self.number(f.localLatency.percentiles.p95)),
                ("circuit_open", circuit.position == .open ? "1" : "0"),
                ("circuit_opened_total", String(circuit.timesOpened)),
            ]
        }
        if let e = events.withLock({ $0 })?.stats {
            lines += [("events_processed", String(e.processed)), ("events_failed", String(e.failed))]
        }
        return lines
    }

    /// `.status/cache`: totals first, then per cache.
    var cacheLines: [(String, String)] {
        let render = renders.stats
        var perCache = (cache?.statLines ?? []).map { ($0.0, String($0.1)) }
        perCache += [("render_hits", String(render.hits)), ("render_misses", String(render.misses)),
                     ("render_entries", String(render.entries)), ("render_bytes", String(render.bytes)),
                     ("render_evictions", String(render.evictions))]
        func total(_ suffix: String) -> Int {
            perCache.filter { $0.0.hasSuffix(suffix) }.reduce(0) { $0 + (Int($1.1) ?? 0) }
        }
        let hits = total("_hits"), misses = total("_misses")
        return [("hits", String(hits)), ("misses", String(misses)),
                ("hit_rate", Self.number(hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses))),
                ("entries", String(total("_entries")))] + perCache
    }

    func eventsText() -> [UInt8] {
        guard let e = events.withLock({ $0 })?.stats else { return Array("events_processed 0\nevents_failed 0\n".utf8) }
        var pairs: [(String, String)] = [("events_processed", String(e.processed)), ("events_failed", String(e.failed)),
                                         ("polls", String(e.polls))]
        if let at = e.lastPollAt { pairs.append(("last_poll", Self.iso(at))) }
        if let error = e.lastError { pairs.append(("last_error", error.replacingOccurrences(of: "\n", with: " "))) }
        var text = String(decoding: Self.lines(pairs), as: UTF8.self)
        if !e.recent.isEmpty { text += "# recent events: time kind id source\n" }
        for event in e.recent.reversed() {
            text += "\(Self.iso(event.at)) \(event.kind.rawValue) \(event.id) \(event.source)\n"
        }
        return Array(text.utf8)
    }
}
