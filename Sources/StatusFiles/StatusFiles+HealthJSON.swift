import Cache
import Foundation
import Store
import Tree

extension StatusFiles {
    /// `.status/health.json`: the health word with its parts, the circuit, the last failover, API and
    /// DB latency, index state, the last error, and counts.
    func healthJSON() -> [UInt8] {
        let s = board.report
        let c = components
        var json: [String: Any] = [
            "status": health,
            "backend": store.backendName,
            "components": [("api", c.api), ("database", c.database), ("events", c.events), ("index", c.index)]
                .reduce(into: [String: Any]()) { $0[$1.0] = $1.1.map { $0 ? "ok" : "failing" } ?? "not configured" },
            "saved_queries": report.savedQueries,
            "problems": problems,
            "errors_total": s.errorCount,
            "requests": s.storeRequests,
            "latency_ms": ["p50": round3(s.requests.percentiles.p50), "p95": round3(s.requests.percentiles.p95)],
            "started_at": Self.iso(board.startedAt),
        ]
        var store: [String: Any] = ["reachable": s.storeReachable, "failures": s.storeFailures]
        if let entities = try? self.store.entityCount(library: nil) { store["entities"] = entities }
        if let libraries = try? self.store.libraries() { store["libraries"] = libraries.count }
        json["store"] = store
        if let failover {
            let f = failover.stats
            let circuit = failover.circuit.snapshot
            var api: [String: Any] = ["configured": failover.api != nil, "search_works": f.apiSearchWorks,
                                      "listing_complete": f.apiListingComplete,
                                      "requests": f.apiRequests, "failures": f.apiFailures,
                                      "latency_ms": ["p50": round3(f.apiLatency.percentiles.p50), "p95": round3(f.apiLatency.percentiles.p95)]]
            if let url = failover.api?.location { api["url"] = url }
            if let check = f.lastHealthCheck { api["last_health_check"] = ["at": Self.iso(check.at), "ok": check.ok, "detail": check.detail] }
            json["api"] = api
            json["database_latency_ms"] = ["p50": round3(f.localLatency.percentiles.p50), "p95": round3(f.localLatency.percentiles.p95)]
            var circuitInfo: [String: Any] = ["state": circuit.position.rawValue, "consecutive_failures": circuit.consecutiveFailures,
                                              "threshold": failover.circuit.threshold, "times_opened": circuit.timesOpened]
            if let at = circuit.openedAt { circuitInfo["opened_at"] = Self.iso(at) }
            if let reason = circuit.lastReason { circuitInfo["last_reason"] = reason }
            json["circuit"] = circuitInfo
            json["failovers"] = f.failovers
            if let last = f.lastFailover {
                json["last_failover"] = ["at": Self.iso(last.at), "operation": last.operation, "reason": last.reason]
            }
        }
        if let error = s.lastStoreError {
            json["last_store_error"] = ["reason": error, "at": s.lastStoreErrorAt.map(Self.iso) ?? ""]
        }
        if let last = board.errors.last {
            json["last_error"] = ["operation": last.operation, "path": last.path, "errno": StatusBoard.errnoName(last.errno),
                                  "reason": last.reason, "at": Self.iso(last.time)]
        }
        if let index {
            let sync = index.syncState
            var info: [String: Any] = ["ready": sync.ready, "documents": sync.documents, "path": index.path,
                                       "last_sync_seconds": round3(sync.lastSyncSeconds),
                                       "added": sync.added, "updated": sync.updated, "removed": sync.removed]
            if let at = sync.lastSyncAt { info["last_sync_at"] = Self.iso(at) }
            if let error = sync.lastError { info["last_error"] = error }
            if let building = sync.building { info["building"] = ["done": building.done, "of": building.of] }
            json["index"] = info
        }
        if let e = events?.stats {
            json["events"] = ["processed": e.processed, "failed": e.failed, "polls": e.polls]
        }
        for (key, value) in facts { json[key] = Int(value) ?? value as Any }
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [10]
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
