import Cache
import FoundationEssentials
import Store
import Tree

extension StatusFiles {
    /// `.status/health.json`: the health word with its parts, the circuit, the last failover, API and
    /// DB latency, index state, the last error, and counts.
    func healthJSON() -> [UInt8] {
        let s = board.report
        let c = components
        var json: [String: JSONValue] = [
            "status": JSONValue(health),
            "backend": JSONValue(store.backendName),
            "components": .object([("api", c.api), ("database", c.database), ("events", c.events), ("index", c.index)]
                .reduce(into: [String: JSONValue]()) { $0[$1.0] = JSONValue($1.1.map { $0 ? "ok" : "failing" } ?? "not configured") }),
            "saved_queries": JSONValue(report.savedQueries),
            "problems": .array(problems.map { JSONValue($0 as String) }),
            "errors_total": JSONValue(s.errorCount),
            "requests": JSONValue(s.storeRequests),
            "latency_ms": ["p50": JSONValue(round3(s.requests.percentiles.p50)), "p95": JSONValue(round3(s.requests.percentiles.p95))],
            "started_at": JSONValue(Self.iso(board.startedAt)),
        ]
        var store: [String: JSONValue] = ["reachable": JSONValue(s.storeReachable), "failures": JSONValue(s.storeFailures)]
        if let entities = try? self.store.entityCount(library: nil) { store["entities"] = JSONValue(entities) }
        if let libraries = try? self.store.libraries() { store["libraries"] = JSONValue(libraries.count) }
        json["store"] = .object(store)
        if let failover {
            let f = failover.stats
            let circuit = failover.circuit.snapshot
            var api: [String: JSONValue] = [
                "configured": JSONValue(failover.api != nil), "search_works": JSONValue(f.apiSearchWorks),
                "listing_complete": JSONValue(f.apiListingComplete),
                "requests": JSONValue(f.apiRequests), "failures": JSONValue(f.apiFailures),
                "latency_ms": ["p50": JSONValue(round3(f.apiLatency.percentiles.p50)), "p95": JSONValue(round3(f.apiLatency.percentiles.p95))]]
            if let url = failover.api?.location { api["url"] = JSONValue(url) }
            if let check = f.lastHealthCheck {
                api["last_health_check"] = ["at": JSONValue(Self.iso(check.at)), "ok": JSONValue(check.ok), "detail": JSONValue(check.detail)]
            }
            json["api"] = .object(api)
            json["database_latency_ms"] = ["p50": JSONValue(round3(f.localLatency.percentiles.p50)),
                                           "p95": JSONValue(round3(f.localLatency.percentiles.p95))]
            var circuitInfo: [String: JSONValue] = [
                "state": JSONValue(circuit.position.rawValue), "consecutive_failures": JSONValue(circuit.consecutiveFailures),
                "threshold": JSONValue(failover.circuit.threshold), "times_opened": JSONValue(circuit.timesOpened)]
            if let at = circuit.openedAt { circuitInfo["opened_at"] = JSONValue(Self.iso(at)) }
            if let reason = circuit.lastReason { circuitInfo["last_reason"] = JSONValue(reason) }
            json["circuit"] = .object(circuitInfo)
            json["failovers"] = JSONValue(f.failovers)
            if let last = f.lastFailover {
                json["last_failover"] = ["at": JSONValue(Self.iso(last.at)), "operation": JSONValue(last.operation),
                                         "reason": JSONValue(last.reason)]
            }
        }
        if let error = s.lastStoreError {
            json["last_store_error"] = ["reason": JSONValue(error), "at": JSONValue(s.lastStoreErrorAt.map(Self.iso) ?? "")]
        }
        if let last = board.errors.last {
            json["last_error"] = ["operation": JSONValue(last.operation), "path": JSONValue(last.path),
                                  "errno": JSONValue(StatusBoard.errnoName(last.errno)),
                                  "reason": JSONValue(last.reason), "at": JSONValue(Self.iso(last.time))]
        }
        if let index {
            let sync = index.syncState
            var info: [String: JSONValue] = [
                "ready": JSONValue(sync.ready), "documents": JSONValue(sync.documents), "path": JSONValue(index.path),
                "last_sync_seconds": JSONValue(round3(sync.lastSyncSeconds)),
                "added": JSONValue(sync.added), "updated": JSONValue(sync.updated), "removed": JSONValue(sync.removed)]
            if let at = sync.lastSyncAt { info["last_sync_at"] = JSONValue(Self.iso(at)) }
            if let error = sync.lastError { info["last_error"] = JSONValue(error) }
            if let building = sync.building { info["building"] = ["done": JSONValue(building.done), "of": JSONValue(building.of)] }
            if scoped {  // counts over every library: not shown on a scoped mount
                for key in ["documents", "added", "updated", "removed", "building"] { info.removeValue(forKey: key) }
                info["scoped"] = JSONValue(true)
            }
            json["index"] = .object(info)
        }
        if let e = events?.stats {
            json["events"] = ["processed": JSONValue(e.processed), "failed": JSONValue(e.failed), "polls": JSONValue(e.polls)]
        }
        for (key, value) in facts { json[key] = Int(value).map { JSONValue($0 as Int) } ?? JSONValue(value) }
        let data = Array(JSONValue.object(json).text(pretty: true).utf8)
        return data + [10]
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
