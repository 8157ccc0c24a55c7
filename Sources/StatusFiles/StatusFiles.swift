import Cache
import FoundationEssentials
import Synchronization
import Store
import Tree

/// The files under `.status/`, as a layer of their own: rendered from what each layer reports (the
/// tree's errors and counts, the failover store's circuit and latencies, the caches, the pressure
/// monitor, the index, the event processor), so that the tree itself knows nothing about failover,
/// circuits or tiers. The CLI builds one and attaches it to the tree (`RecallFileSystem.attach(status:)`).
public final class StatusFiles: StatusFileSource {
    let tree: RecallFileSystem
    let failover: FailoverStore?
    let pressure: PressureMonitor?
    let index: SearchIndex?
    /// Extra facts for `.status/health.json` (pid, mountpoint, database path, cache directory).
    let facts: [String: String]
    /// A scoped mount (`--library`): the index and the event feed see every library, so their
    /// document counts and event ids are left out of the status files.
    let scoped: Bool
    private let processor = Mutex<EventProcessor?>(nil)

    public init(tree: RecallFileSystem, failover: FailoverStore? = nil, pressure: PressureMonitor? = nil,
                index: SearchIndex? = nil, facts: [String: String] = [:], scoped: Bool = false) {
        self.tree = tree; self.failover = failover; self.pressure = pressure; self.index = index; self.facts = facts
        self.scoped = scoped
    }

    /// The event processor, once it exists (it is built after the tree).
    public func attach(events: EventProcessor) { processor.withLock { $0 = events } }

    var events: EventProcessor? { processor.withLock { $0 } }
    var board: StatusBoard { tree.board }
    var tiered: TieredCache { tree.tiered }
    var store: DocumentStore { tree.store }
    var report: RecallFileSystem.Report { tree.report }

    public func content(_ file: StatusFile) -> [UInt8] { statusContent(file) }
}

extension StatusFiles {
    /// Each part that health depends on, `true` when it works; absent parts are not configured.
    struct Components {
        var api: Bool?
        var database: Bool?
        var events: Bool?
        var index: Bool?
    }

    var components: Components {
        let s = board.report
        var c = Components()
        if let failover {
            if failover.api != nil {
                let healthOK = failover.stats.lastHealthCheck?.ok ?? true
                c.api = failover.circuit.allowsRequests && healthOK
            }
            // The database works while its file can be read; a sync that fails for the index's own
            // sake (its disk is full) is the index's problem, and documents are still served.
            if let local = failover.local { c.database = local.availabilityProblem == nil }
        } else {
            c.database = s.storeReachable && index?.syncState.lastError == nil
        }
        if let processor = events { c.events = processor.isHealthy }
        if let index { c.index = index.syncState.ready && index.syncState.lastError == nil }
        return c
    }

    /// One line for systemd's `STATUS=`: the health word, then why (`degraded: api down: …`), or
    /// what serves when all is well.
    public var statusLine: String {
        let word = health
        if word == "ok" { return "ok: serving from \(store.backendName)" }
        let why = problems.prefix(2).joined(separator: "; ")
        return why.isEmpty ? word : "\(word): \(why)"
    }

    /// Why health is not `ok`, one readable line per part: what `.status/health.json` shows under
    /// `problems`, and what a script can log.
    var problems: [String] {
        var out: [String] = []
        let c = components
        if c.api == false, let failover {
            out.append("api down: " + (failover.circuit.snapshot.lastReason ?? failover.stats.lastHealthCheck?.detail ?? "not answering")
                       + (failover.local.map { "; serving \($0.backendName)" } ?? ""))
        }
        if let problem = failover?.local?.availabilityProblem { out.append(problem) }
        if let degraded = failover?.local?.degradation { out.append(degraded) }
        if let error = index?.syncState.lastError { out.append("index sync failed: \(error)") }
        if let index, !index.syncState.ready {
            out.append("index building" + (scoped ? "" : index.syncState.building.map { " (\($0))" } ?? ""))
        }
        if let processor = events, !processor.isHealthy {
            out.append("change feeds failing: \(processor.stats.lastError ?? "unknown error")")
        }
        let recent = { (at: Date) in Date().timeIntervalSince(at) < 60 }
        if let save = report.saveProblem, recent(save.at) { out.append(save.reason) }
        if let disk = tiered.disk?.writeProblem, recent(disk.at) { out.append("disk cache: \(disk.reason)") }
        return out.map { NameCharacters.escaped($0) }
    }

    /// `ok`, `degraded` or `down`, from the API, the database, event processing and the index:
    /// - down: nothing can answer (the API is down or absent, and so is the database);
    /// - degraded: something configured is not working (the API is down and SQLite answers, the
    ///   database or the change feeds fail, the index is still building), or a store call failed in the
    ///   last minute;
    /// - ok otherwise.
    public var health: String {
        let c = components
        let s = board.report
        // A database file that is being replaced (gone, truncated, not yet a Pensieve database) is
        // expected back: cached answers still serve, so that is degraded, not down.
        let replacing = failover?.local?.problemIsTransient ?? false
        let canServe = failover == nil ? s.storeReachable : (c.api == true || c.database == true || replacing)
        if !canServe { return "down" }
        if [c.api, c.database, c.events, c.index].contains(false) || !problems.isEmpty { return "degraded" }
        // A failure in the last minute that no success has followed since (a request, or a sync of
        // the index that read the whole database).
        let lastGood = max(s.lastStoreSuccessAt ?? .distantPast, index?.syncState.lastSyncAt ?? .distantPast)
        if let at = s.lastStoreErrorAt, Date().timeIntervalSince(at) < 60, lastGood < at {
            return "degraded"
        }
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
        case .cacheJSON: return cacheJSON()
        case .memory: return Self.lines(memoryLines)
        case .memoryJSON: return memoryJSON()
        case .metricsProm: return prometheusText()
        case .events: return eventsText()
        }
    }

    static func iso(_ date: Date) -> String { PensieveTime.iso(Int64(date.timeIntervalSince1970)) }

    static func lines(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { "\($0.0) \($0.1)\n" }.joined().utf8)
    }

    static func number(_ value: Double) -> String { value.fixed(3) }

    func eventsText() -> [UInt8] {
        guard let e = events?.stats else { return Array("events_processed 0\nevents_failed 0\n".utf8) }
        var pairs: [(String, String)] = [("events_processed", String(e.processed)), ("events_failed", String(e.failed)),
                                         ("polls", String(e.polls))]
        if let at = e.lastPollAt { pairs.append(("last_poll", Self.iso(at))) }
        if let error = e.lastError { pairs.append(("last_error", error.replacing("\n", with: " "))) }
        var text = String(decoding: Self.lines(pairs), as: UTF8.self)
        if scoped { return Array(text.utf8) }  // ids of other libraries are not shown
        if !e.recent.isEmpty { text += "# recent events: time kind id source\n" }
        for event in e.recent.reversed() {
            text += "\(Self.iso(event.at)) \(event.kind.rawValue) \(event.id) \(event.source)\n"
        }
        return Array(text.utf8)
    }
}
