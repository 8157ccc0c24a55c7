import Foundation
import Store

extension RecallFileSystem {
    /// `ok`, `degraded` or `down`:
    /// - down: the store could not be reached at its last use;
    /// - degraded: the search index is not ready or its last sync failed, or a store call failed in the
    ///   last minute;
    /// - ok otherwise.
    public var health: String {
        let s = board.snapshot
        if !s.storeReachable { return "down" }
        if let index, !index.syncState.ready || index.syncState.lastError != nil { return "degraded" }
        if let at = s.lastStoreErrorAt, Date().timeIntervalSince(at) < 60 { return "degraded" }
        return "ok"
    }

    /// The bytes of a status file, generated now.
    public func statusContent(_ file: StatusFile) -> [UInt8] {
        switch file {
        case .health: return Array((health + "\n").utf8)
        case .backend: return Array((board.snapshot.lastBackend == "none" ? store.backendName : board.snapshot.lastBackend).utf8) + [10]
        case .errors:
            let formatter = ISO8601DateFormatter()
            return Array(board.errors.map { record in
                "\(formatter.string(from: record.time)) \(record.operation) \(record.path): "
                    + "\(StatusBoard.errnoName(record.errno)): \(record.reason)\n"
            }.joined().utf8)
        case .healthJSON: return healthJSON()
        }
    }

    private func healthJSON() -> [UInt8] {
        let s = board.snapshot
        let latency = board.latencyPercentiles
        let formatter = ISO8601DateFormatter()
        var store: [String: Any] = [
            "backend": self.store.backendName,
            "reachable": s.storeReachable,
            "requests": s.storeRequests,
            "failures": s.storeFailures,
            "latency_ms": ["p50": round(latency.p50 * 1000) / 1000, "p95": round(latency.p95 * 1000) / 1000],
        ]
        if let entities = try? self.store.entityCount(library: nil) { store["entities"] = entities }
        if let libraries = try? libraries() { store["libraries"] = libraries.count }
        var json: [String: Any] = [
            "status": health,
            "store": store,
            "saved_queries": queries.listed.count,
            "errors_total": s.errorCount,
            "open_handles": handles.count,
            "started_at": formatter.string(from: board.startedAt),
        ]
        let cache = renders.stats
        json["render_cache"] = ["entries": cache.entries, "bytes": cache.bytes, "hits": cache.hits,
                                "misses": cache.misses, "evictions": cache.evictions]
        if let error = s.lastStoreError {
            json["last_store_error"] = ["reason": error, "at": s.lastStoreErrorAt.map { formatter.string(from: $0) } ?? ""]
        }
        if let last = board.errors.last {
            json["last_error"] = ["operation": last.operation, "path": last.path,
                                  "errno": StatusBoard.errnoName(last.errno), "reason": last.reason,
                                  "at": formatter.string(from: last.time)]
        }
        if let index {
            let sync = index.syncState
            var info: [String: Any] = ["ready": sync.ready, "documents": sync.documents, "path": index.path,
                                       "last_sync_seconds": round(sync.lastSyncSeconds * 1000) / 1000,
                                       "added": sync.added, "updated": sync.updated, "removed": sync.removed]
            if let at = sync.lastSyncAt { info["last_sync_at"] = formatter.string(from: at) }
            if let error = sync.lastError { info["last_error"] = error }
            json["index"] = info
        }
        for (key, value) in facts { json[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [10]
    }
}
